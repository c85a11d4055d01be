import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { CLOCK, type Clock, OperatorGuard, type TestClock } from '@ventana/platform';

export class AdvanceClockDto {
  @IsInt()
  @Min(0)
  @Max(10 * 365 * 24 * 3600)
  seconds!: number;
}

/** CLOCK=test only: moves platform time forward (0 just reads it). */
@Controller('v1/clock')
@UseGuards(OperatorGuard)
export class ClockController {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  @Post('advance')
  @HttpCode(200)
  async advance(@Body() body: AdvanceClockDto) {
    // Registered only with CLOCK=test, when the clock is a TestClock.
    const clock = this.clock as TestClock;
    const now = await clock.advance(body.seconds);
    return { now: new Date(now).toISOString() };
  }
}
