import { runApp } from './bundle-app.js';

// The bundle's entry point: runs the app on the database file given as the first argument and
// prints its report as JSON (bigints as strings).
const report = await runApp(process.argv[2]!);
process.stdout.write(JSON.stringify(report, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value)));
