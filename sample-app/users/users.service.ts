import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository, type Repository, type Row, Transactional } from '../../src/index.js';
import { loginTokensTable, usersTable } from './users.tables.js';

const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface UserWithToken {
  user: Row<typeof usersTable>;
  token: Row<typeof loginTokensTable>;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(usersTable) private readonly users: Repository<typeof usersTable>,
    @InjectRepository(loginTokensTable) private readonly tokens: Repository<typeof loginTokensTable>,
  ) {}

  /**
   * peewee's `create_user_and_token`: the user and a one-day login token are
   * written in one transaction, so there is never a user without a token (or
   * a token without its user). A taken email fails the whole transaction with
   * a unique violation, answered as 409.
   */
  @Transactional()
  async createWithToken(email: string, name: string): Promise<UserWithToken> {
    const user = await this.users.insert({ email, name });
    // Drawn inside the method: a retried attempt simply draws a new token.
    const token = await this.tokens.insert({
      token: randomBytes(24).toString('base64url'),
      userId: user.id,
      expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS),
    });
    return { user, token };
  }
}
