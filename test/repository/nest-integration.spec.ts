import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CockroachDatabase,
  CockroachModule,
  createTables,
  defineTable,
  getDatabaseToken,
  getRepositoryToken,
  InjectRepository,
  Repository,
  text,
  uuidKey,
} from '../../src/index.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const notesTable = defineTable('notes', { id: uuidKey(), body: text() });

@Injectable()
class NotesService {
  constructor(@InjectRepository(notesTable) readonly notes: Repository<typeof notesTable>) {}
}

@Injectable()
class ArchiveService {
  constructor(@InjectRepository(notesTable, 'archive') readonly notes: Repository<typeof notesTable>) {}
}

let primary: TestDatabase;
let archive: TestDatabase;

before(async () => {
  [primary, archive] = await Promise.all([createTestDatabase('feature_a'), createTestDatabase('feature_b')]);
  for (const testDb of [primary, archive]) await testDb.admin('CREATE TABLE notes (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), body TEXT NOT NULL)');
});
after(async () => {
  await Promise.all([primary.drop(), archive.drop()]);
});

async function bodies(testDb: TestDatabase): Promise<string[]> {
  return (await testDb.admin<{ body: string }>('SELECT body FROM notes ORDER BY body')).map((row) => row.body);
}

describe('CockroachModule.forFeature and @InjectRepository', () => {
  it('injects a repository on the default connection', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRoot({ url: primary.url }), CockroachModule.forFeature([notesTable])],
      providers: [NotesService],
    }).compile();
    const service = moduleRef.get(NotesService);
    assert.ok(service.notes instanceof Repository);
    assert.equal(service.notes.table, notesTable);
    assert.equal(moduleRef.get(getRepositoryToken(notesTable)), service.notes);
    const note = await service.notes.insert({ body: 'default connection' });
    assert.deepEqual(await service.notes.findById(note.id), note);
    assert.deepEqual(await bodies(primary), ['default connection']);
    await moduleRef.close();
  });

  it('injects a repository on a named connection, next to the default one', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CockroachModule.forRoot({ url: primary.url }),
        CockroachModule.forRoot({ url: archive.url, name: 'archive' }),
        CockroachModule.forFeature([notesTable]),
        CockroachModule.forFeature([notesTable], 'archive'),
      ],
      providers: [NotesService, ArchiveService],
    }).compile();
    const main = moduleRef.get(NotesService).notes;
    const archived = moduleRef.get(ArchiveService).notes;
    assert.notEqual(main, archived);
    assert.notEqual(getRepositoryToken(notesTable), getRepositoryToken(notesTable, 'archive'));
    assert.equal(moduleRef.get(getRepositoryToken(notesTable, 'archive')), archived);
    await archived.insert({ body: 'named connection' });
    assert.deepEqual(await bodies(archive), ['named connection']);
    assert.deepEqual(await bodies(primary), ['default connection']);
    await moduleRef.close();
  });

  it('gives each feature module its repositories, importable where they are needed', async () => {
    @Module({ imports: [CockroachModule.forFeature([notesTable])], providers: [NotesService], exports: [NotesService] })
    class NotesModule {}
    const moduleRef = await Test.createTestingModule({ imports: [CockroachModule.forRoot({ url: primary.url }), NotesModule] }).compile();
    assert.equal(await moduleRef.get(NotesService).notes.count(), 1);
    await moduleRef.close();
  });

  it('lets a test override a repository by its token', async () => {
    const fake = { count: async () => 42 };
    const moduleRef = await Test.createTestingModule({
      imports: [CockroachModule.forRoot({ url: primary.url }), CockroachModule.forFeature([notesTable])],
      providers: [NotesService],
    })
      .overrideProvider(getRepositoryToken(notesTable))
      .useValue(fake)
      .compile();
    assert.equal(await moduleRef.get(NotesService).notes.count(), 42);
    await moduleRef.close();
  });

  it('creates tables through the injected database', async () => {
    const extra = defineTable('extra_notes', { id: uuidKey(), body: text() });
    const moduleRef = await Test.createTestingModule({ imports: [CockroachModule.forRoot({ url: archive.url, name: 'archive' })] }).compile();
    const db = moduleRef.get<CockroachDatabase>(getDatabaseToken('archive'));
    await createTables(db, extra);
    assert.equal(await new Repository(db, extra).count(), 0);
    await moduleRef.close();
  });
});
