import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import type { FieldError } from '../problem/problem';
import { ProblemException } from '../problem/problem';

// NUL, or a surrogate without its partner.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses (400) input that no store can keep as it was sent, before any rule looks at it:
 * - text holding NUL or an unpaired surrogate: PostgreSQL's text and jsonb take neither, so the
 *   distributed deployment would fail on it where the embedded one stored it;
 * - field names of `Object.prototype` (`__proto__`, `constructor`, `toString`…): class-transformer
 *   drops them silently, so the whitelist that refuses unknown fields never sees them.
 * Runs on bodies, path parameters and queries, after the guards like every other pipe.
 */
@Injectable()
export class StorableInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const errors = unstorable(value, metadata.type === 'body' ? '' : (metadata.data ?? metadata.type));
    if (errors.length > 0) {
      throw new ProblemException({
        status: 400,
        title: 'Validation error',
        detail: 'the request has text or field names that cannot be stored',
        errors,
      });
    }
    return value;
  }
}

function unstorable(root: unknown, rootPath: string): FieldError[] {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[root, rootPath]];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) errors.push({ field: path, detail: 'must not hold NUL characters or unpaired surrogates' });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const field = path === '' ? key : `${path}.${key}`;
        if (key in Object.prototype) errors.push({ field, detail: 'is not a field of this request' });
        else if (UNSTORABLE.test(key)) errors.push({ field: path, detail: 'has a field name with NUL characters or unpaired surrogates' });
        else pending.push([child, field]);
      }
    }
  }
  return errors;
}
