import { CockroachModule, defineTable, getRepositoryToken, rowId, text, type Repository } from 'nestjs-cockroachdb';

// Exported with inferred types, as apps write them: in a `declaration: true`
// build (the Nest 12 starter's), each must be nameable through the package's exports.
export const notes = defineTable('notes', { id: rowId(), title: text() });
export const NOTES_REPOSITORY = getRepositoryToken(notes);
export const notesFeature = CockroachModule.forFeature([notes]);
export type NotesRepository = Repository<typeof notes>;
