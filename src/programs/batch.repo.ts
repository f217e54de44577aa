export { runBatch, type Statement } from '../db/batch';
