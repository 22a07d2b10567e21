/** Reads a case folder in whichever supported format it is. */
import { existsSync, statSync } from 'node:fs';
import { isPetshopCase, readPetshopCase } from './petshop-case.js';
import type { RcaCase } from './rca-case.js';
import { isRcaevalCase, readRcaevalCase } from './rcaeval-case.js';
import { InputError } from '../sources/input-error.js';

/**
 * Reads a PetShop `issue_N` folder or an RCAEval case folder.
 * @example const c = await loadCase('data/petshop/low_traffic/train/issue_0');
 */
export async function loadCase(dir: string): Promise<RcaCase> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, 'not a folder: give a case folder (a PetShop issue_N folder or an RCAEval case folder)');
  if (isPetshopCase(dir)) return readPetshopCase(dir);
  if (isRcaevalCase(dir)) return readRcaevalCase(dir);
  throw new InputError(dir, 'neither a PetShop case (metrics.csv + target.json) nor an RCAEval case (data.csv or metrics.csv with a time column)');
}
