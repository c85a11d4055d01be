import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { REVIEW_DECISIONS, type ReviewDecision, TEMPLATE_CATEGORIES, type TemplateCategory } from '@ventana/domain';
import { type ProjectionRunner, type SqlDatabase, type TemplateRow, toTemplate } from '@ventana/projections';
import {
  BusinessGuard,
  IsTemplateLanguage,
  IsTemplateName,
  CLOCK,
  type Clock,
  type HttpRequest,
  OperatorGuard,
  PROJECTIONS,
  READ_MODELS,
  requestCausation,
} from '@ventana/platform';
import { SubmitTemplate } from './submit-template.command';
import { ReviewTemplate } from './review-template.command';
import { templateView } from './template-view';

export class SubmitTemplateDto {
  @IsTemplateName()
  name!: string;

  @IsTemplateLanguage()
  language!: string;

  @IsIn(TEMPLATE_CATEGORIES)
  category!: TemplateCategory;

  @IsString()
  @Length(1, 1024)
  body!: string;
}

export class ReviewTemplateDto {
  @IsIn(REVIEW_DECISIONS)
  decision!: ReviewDecision;

  @IsOptional()
  @IsIn(TEMPLATE_CATEGORIES)
  category?: TemplateCategory;
}

@Controller('v1/:business_id/templates')
@UseGuards(BusinessGuard)
export class BusinessTemplatesController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READ_MODELS) private readonly readModels: SqlDatabase,
    @Inject(PROJECTIONS) private readonly projections: ProjectionRunner,
  ) {}

  @Post()
  submit(@Param('business_id') businessId: string, @Body() body: SubmitTemplateDto, @Req() req: HttpRequest) {
    return this.commands.execute(new SubmitTemplate(businessId, body, requestCausation(req, this.clock)));
  }

  @Get()
  async list(@Param('business_id') businessId: string) {
    await this.projections.upToDate();
    const rows = await this.readModels.all<TemplateRow>(
      `SELECT * FROM templates WHERE business_id = ? ORDER BY name, language`,
      [businessId],
    );
    return { data: rows.map((row) => templateView(toTemplate(row))) };
  }
}

@Controller('v1/templates')
@UseGuards(OperatorGuard)
export class TemplateReviewController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(':template_id/review')
  @HttpCode(200)
  review(@Param('template_id') templateId: string, @Body() body: ReviewTemplateDto, @Req() req: HttpRequest) {
    return this.commands.execute(new ReviewTemplate(templateId, body.decision, body.category, requestCausation(req, this.clock)));
  }
}
