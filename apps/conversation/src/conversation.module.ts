import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { BusinessesController } from './businesses/businesses.http';
import { RegisterBusinessHandler } from './businesses/register-business.command';
import { SetBusinessLimitsHandler } from './businesses/set-business-limits.command';
import { CustomerDeviceController, CustomerRegistrationController } from './customers/customers.http';
import { RegisterDeviceHandler } from './customers/register-device.command';
import { ReceiveInboundMessageHandler } from './customers/receive-inbound-message.command';
import { RecordCustomerChoiceHandler } from './customers/customer-choice.command';
import { BusinessTemplatesController, TemplateReviewController } from './templates/templates.http';
import { SubmitTemplateHandler } from './templates/submit-template.command';
import { ReviewTemplateHandler } from './templates/review-template.command';
import { MessagesController } from './messages/messages.http';
import { SendMessageHandler } from './messages/send-message.command';
import { OptInsController } from './opt-ins/opt-ins.http';
import { ConversationsController } from './conversations/conversations.http';
import { ClickToChatController } from './click-to-chat/click-to-chat.http';
import { ClockController } from './clock/clock.http';
import { ContactsController } from './contacts/contacts.http';
import { BusinessLimitsController, OperatorLimitsController } from './limits/limits.http';
import { WebhookSecretController } from './webhook-secret/webhook-secret.http';
import { RotateWebhookSecretHandler } from './webhook-secret/rotate-webhook-secret.command';

/**
 * The HTTP edge for businesses, customers and the operator: it turns requests into events on the
 * business, customer, template and conversation streams. It decides nothing about messages.
 */
@Module({})
export class ConversationModule {
  static register(options: { testClock: boolean }): DynamicModule {
    return {
      module: ConversationModule,
      imports: [CqrsModule],
      controllers: [
        BusinessesController,
        CustomerRegistrationController,
        CustomerDeviceController,
        BusinessTemplatesController,
        TemplateReviewController,
        MessagesController,
        OptInsController,
        ConversationsController,
        ClickToChatController,
        ContactsController,
        BusinessLimitsController,
        OperatorLimitsController,
        WebhookSecretController,
        // Without the test clock the route does not exist at all (404), whatever the token or body.
        ...(options.testClock ? [ClockController] : []),
      ],
      providers: [
        RegisterBusinessHandler,
        SetBusinessLimitsHandler,
        RegisterDeviceHandler,
        ReceiveInboundMessageHandler,
        RecordCustomerChoiceHandler,
        SubmitTemplateHandler,
        ReviewTemplateHandler,
        SendMessageHandler,
        RotateWebhookSecretHandler,
      ],
    };
  }
}
