import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

/** Boots the app on a free port, sends real HTTP requests, closes, and must then exit by itself. */
async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const post = (body: unknown) =>
    fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const placed = await post({ item: 'widget', quantity: 3 });
  console.log(`POST ${placed.status} ${await placed.text()}`);
  const refused = await post({ item: 'nothing', quantity: 0 });
  console.log(`POST ${refused.status}`);
  const listed = await fetch(`${url}/orders`);
  console.log(`GET ${listed.status} ${await listed.text()}`);
  await app.close();
  console.log('closed');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
