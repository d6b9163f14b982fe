import { Injectable } from '@nestjs/common';
import { InjectRepository, Repository, Transactional } from 'nestjs-cockroachdb';
import { notes } from './notes.table.js';

@Injectable()
export class NotesService {
  constructor(@InjectRepository(notes) readonly repository: Repository<typeof notes>) {}

  @Transactional({ maxAttempts: 3 })
  async add(title: string) {
    return this.repository.insert({ title });
  }

  latest() {
    return this.repository.find({ orderBy: { id: 'desc' }, limit: 10 });
  }
}
