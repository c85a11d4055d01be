import { Injectable, type PipeTransform } from '@nestjs/common';
import { isPhoneNumber } from '@ventana/domain';
import { badRequest } from '../problem/problem';

/** Path parameters that are phone numbers / wa_ids: digits only, full international form. */
@Injectable()
export class PhonePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isPhoneNumber(value)) {
      throw badRequest('Phone numbers are 8–15 digits in full international form, without "+" or a leading 0.', [
        { field: 'path', detail: `"${value}" is not a phone number` },
      ]);
    }
    return value;
  }
}
