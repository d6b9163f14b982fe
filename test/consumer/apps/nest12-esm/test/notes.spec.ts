import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../src/app.module.js';
import { NotesService } from '../src/notes.service.js';

// What `nest new` sets up: Vitest runs the app's own tests, here against the real database.
describe('NotesService', () => {
  let app: INestApplicationContext;

  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('writes a note through its exported repository and reads it back', async () => {
    const notes = app.get(NotesService);
    const written = await notes.add('from vitest');
    expect(typeof written.id).toBe('string');
    await expect(notes.repository.findById(written.id)).resolves.toEqual({ id: written.id, title: 'from vitest' });
  });
});
