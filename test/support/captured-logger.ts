import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';

/** Collects every line the Nest logger prints, so tests can assert on logs (and on secrets never in them). */
export class CapturedLogger implements LoggerService {
  readonly lines: string[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.record('verbose', message, rest);
  }

  /** Routes all Nest loggers here until `restore()`. */
  install(): this {
    Logger.overrideLogger(this);
    return this;
  }

  restore(): void {
    Logger.overrideLogger(new ConsoleLogger());
  }

  private record(level: string, message: unknown, rest: unknown[]): void {
    const text = [message, ...rest].map((part) => (part instanceof Error ? `${part.message}\n${part.stack}` : String(part)));
    this.lines.push(`${level}: ${text.join(' ')}`);
  }
}
