// Usage (DATABASE_URL must be set):
//   tsx libs/db/src/migrate/cli.ts deploy        apply pending migrations (= prisma migrate deploy)
//   tsx libs/db/src/migrate/cli.ts dev <name>    create a migration from the schema, then apply it
//                                                (= prisma migrate dev --create-only --name <name> + deploy)
import { applyMigrations, createMigration } from './engine.ts';

async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  const url = process.env['DATABASE_URL'];
  if (!url) {
    console.error('DATABASE_URL is not set');
    return 2;
  }
  if (command === 'deploy') {
    const applied = await applyMigrations(url);
    console.warn(applied.length ? `Applied: ${applied.join(', ')}` : 'No pending migrations.');
    return 0;
  }
  if (command === 'dev') {
    if (!name || !/^[a-z0-9_]+$/i.test(name)) {
      console.error('Usage: cli.ts dev <name>   (name: letters, digits, underscores)');
      return 2;
    }
    const result = await createMigration(url, name);
    console.warn(
      result.migrationName
        ? `Created prisma/migrations/${result.migrationName}/migration.sql`
        : 'Schema matches the migrations: nothing to create.',
    );
    if (result.appliedMigrationNames.length) console.warn(`Applied: ${result.appliedMigrationNames.join(', ')}`);
    return 0;
  }
  console.error('Usage: cli.ts deploy | cli.ts dev <name>');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
