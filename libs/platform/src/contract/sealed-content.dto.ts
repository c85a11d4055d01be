import { IsDefined } from 'class-validator';
import { IsCiphertext, IsNonce } from './validators';

/** Content as the platform accepts it: only ever ciphertext and nonce, never plaintext. */
export class SealedContentDto {
  @IsDefined()
  @IsCiphertext()
  ciphertext!: string;

  @IsDefined()
  @IsNonce()
  nonce!: string;
}
