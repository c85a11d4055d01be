import { ValidationPipe } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError, type ValidatorOptions } from 'class-validator';
import { type FieldError, ProblemException } from './problem';

const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  // A nested object without @Type() stays a plain object that no rule checks; this makes it an error instead.
  forbidUnknownValues: true,
  // Errors never hold the rejected values or objects, which may be secrets.
  validationError: { target: false, value: false },
};

// Numbers stay numbers and strings stay strings: `"5"` is not an integer.
const TRANSFORM_OPTIONS = { enableImplicitConversion: false };

/** Every failing constraint, with the dotted path of its field (`template.parameter_count`, `items.0.name`). */
export function fieldErrors(errors: readonly ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    // class-validator leaves `property` unset on the error for an object it has no rules for.
    const property = (error.property as string | undefined) ?? '';
    const field = parentPath === '' || property === '' ? parentPath + property : `${parentPath}.${property}`;
    const own = Object.values(error.constraints ?? {}).map((detail) => ({ field, detail }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** The 400 answered for any invalid input, listing every failing field. */
export function validationProblem(errors: readonly ValidationError[]): ProblemException {
  return new ProblemException({
    status: 400,
    title: 'Validation error',
    detail: 'the request has invalid fields',
    errors: fieldErrors(errors),
  });
}

/** The global pipe: DTO classes with class-validator rules, unknown fields rejected, no implicit conversion. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    transformOptions: TRANSFORM_OPTIONS,
    exceptionFactory: (errors) => validationProblem(errors as ValidationError[]),
  });
}

/** The same validation as the pipe, for a plain object that did not come through a route parameter. */
export async function validateBody<T extends object>(cls: ClassConstructor<T>, body: unknown): Promise<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw validationProblem([{ property: 'body', constraints: { isObject: 'body must be a JSON object' } }]);
  }
  const instance = plainToInstance(cls, body, TRANSFORM_OPTIONS);
  const errors = await validate(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) {
    throw validationProblem(errors);
  }
  return instance;
}
