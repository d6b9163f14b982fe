import { Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { InjectRepository, validBody, type InsertRow, type Repository, type Row } from '../../src/index.js';
import { usersTable } from './users.tables.js';
import { type UserWithToken, UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(
    private readonly usersService: UsersService,
    @InjectRepository(usersTable) private readonly users: Repository<typeof usersTable>,
  ) {}

  /** `{ "email": "ada@example.com", "name": "Ada" }` → 201 with the user and a one-day token; 409 if the email is taken. */
  @Post()
  create(@Body(validBody(usersTable, 'insert')) body: InsertRow<typeof usersTable>): Promise<UserWithToken> {
    return this.usersService.createWithToken(body.email, body.name);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<Row<typeof usersTable>> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException(`No user ${id}`);
    return user;
  }
}
