import { NotImplementedError } from '../errors.js';
import type { Io } from './main.js';

export async function runConfig(_opts: unknown, _io: Io): Promise<void> {
  throw new NotImplementedError('config', 'Foundation and the compose model');
}
