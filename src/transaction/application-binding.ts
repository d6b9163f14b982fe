import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ModulesContainer } from '@nestjs/core';
import type { TransactionHost } from './transaction-host.js';

/**
 * Binds the instances Nest creates to the databases of *their* application,
 * so a `@Transactional` method always runs on its own application's
 * connection, however many applications (test modules, workers) one process
 * holds. Each application's `CockroachModule.forRoot()` registers its
 * database with that application's module container; an instance is found in
 * the container once and remembered.
 */
interface ApplicationDatabase {
  readonly host: TransactionHost;
  readonly modules: ModulesContainer;
}

const applications = new Set<ApplicationDatabase>();
const boundDatabases = new WeakMap<object, Map<string, TransactionHost>>();
const transactionalPrototypes = new WeakSet<object>();

/** Called by `@Transactional` for the prototype that declares the method. */
export function markTransactional(prototype: object): void {
  transactionalPrototypes.add(prototype);
}

/**
 * Registers an application's database. Instances created so far are bound at
 * once; ones looked up before bootstrap ends (a call from `onModuleInit`) are
 * found on their first call. Returns the function that unregisters it.
 */
export function registerApplicationDatabase(host: TransactionHost, modules: ModulesContainer): () => void {
  const application: ApplicationDatabase = { host, modules };
  applications.add(application);
  return () => applications.delete(application);
}

/** Binds every transactional instance of the application (at bootstrap, when all static instances exist). */
export function bindApplicationInstances(host: TransactionHost, modules: ModulesContainer): void {
  for (const instance of instancesOf(modules)) {
    if (hasTransactionalMethods(instance)) bind(instance, host);
  }
}

/** The database of `name` in the application that created `instance`, if Nest created it. */
export function boundDatabase(instance: unknown, name: string): TransactionHost | undefined {
  if (typeof instance !== 'object' || instance === null) return undefined;
  const bound = boundDatabases.get(instance)?.get(name);
  if (bound) return bound;
  for (const application of applications) {
    if (application.host.name !== name) continue;
    for (const candidate of instancesOf(application.modules)) {
      if (candidate === instance) {
        bind(instance, application.host);
        return application.host;
      }
    }
  }
  return undefined;
}

function bind(instance: object, host: TransactionHost): void {
  let byName = boundDatabases.get(instance);
  if (!byName) boundDatabases.set(instance, (byName = new Map()));
  byName.set(host.name, host);
}

function* instancesOf(modules: ModulesContainer): Generator<object> {
  for (const module of modules.values()) {
    for (const wrappers of [module.providers, module.controllers, module.injectables]) {
      for (const wrapper of wrappers.values()) {
        if (isObject(wrapper.instance)) yield wrapper.instance;
        for (const transient of wrapper.getStaticTransientInstances()) {
          if (isObject(transient?.instance)) yield transient.instance;
        }
      }
    }
  }
}

function hasTransactionalMethods(instance: object): boolean {
  for (let prototype = Object.getPrototypeOf(instance); prototype; prototype = Object.getPrototypeOf(prototype)) {
    if (transactionalPrototypes.has(prototype)) return true;
  }
  return false;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * The provider `CockroachModule.forRoot()` adds next to each database: it
 * registers the database with its application's module container, binds
 * every transactional instance at bootstrap, and unregisters at shutdown
 * (instances already bound keep their closed database, so a late call gets
 * `DatabaseClosingError`, never another application's connection).
 */
export class ApplicationBinding implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly unregister: () => void;

  constructor(
    private readonly host: TransactionHost,
    private readonly modules: ModulesContainer,
  ) {
    this.unregister = registerApplicationDatabase(host, modules);
  }

  onApplicationBootstrap(): void {
    bindApplicationInstances(this.host, this.modules);
  }

  onApplicationShutdown(): void {
    bindApplicationInstances(this.host, this.modules);
    this.unregister();
  }
}
