import { Module } from '@nestjs/common';
import { MessagePolicyReactor } from './message-policy.reactor';

/** Decides every requested message: accepted (with its pricing category and type) or rejected (with its error code). */
@Module({ providers: [MessagePolicyReactor], exports: [MessagePolicyReactor] })
export class WindowPolicyModule {}
