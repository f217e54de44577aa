// `npm run token -- <username> [--staff] [--email=<address>]`: prints a dev JWT for the local worker.
import { signDevToken } from './dev-env.mjs';

const args = process.argv.slice(2);
const username = args.find((a) => !a.startsWith('--'));
if (!username) {
  console.error('usage: npm run token -- <username> [--staff] [--email=<address>]');
  process.exit(2);
}
const email = args.find((a) => a.startsWith('--email='))?.slice('--email='.length);
console.log(await signDevToken(username, { staff: args.includes('--staff'), email }));
