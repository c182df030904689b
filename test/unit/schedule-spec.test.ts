import { describe, expect, it } from 'vitest';
import { cronProblem, isTimeZone } from '../../src/api/schedule-spec.js';

describe('schedule specs', () => {
  it('accepts the crons Temporal reads: lists, ranges, steps, names, 7 as Sunday', () => {
    for (const cron of ['0 3 * * *', '*/15 0-6/2 1,15 * 1-5', '0/15 * * * *', '0 0 * JAN,feb MON-FRI', '0 0 * * 0-7', '0 0 29 2 *', '0 0 * * SUN-SAT']) {
      expect(cronProblem(cron), cron).toBeUndefined();
    }
  });

  it('names the field and the reason of a cron Temporal would refuse', () => {
    expect(cronProblem('61 3 * * *')).toBe('minute "61": values must be 0-59');
    expect(cronProblem('0 0 * * 8')).toBe('day of week "8": values must be 0-7 or SUN-SAT');
    expect(cronProblem('*/0 * * * *')).toBe('minute "*/0": the step must be at least 1');
    expect(cronProblem('5-1 * * * *')).toBe('minute "5-1": the range ends before it starts');
    expect(cronProblem('0 0 L * *')).toMatch(/^day of month "L"/);
    expect(cronProblem('0 0 * * 1#2')).toMatch(/^day of week "1#2"/);
    expect(cronProblem('0 0 * *')).toBe('must be a five-field cron expression');
  });

  it('takes time zones as the tz database writes them, links included', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'Etc/GMT+1', 'Asia/Calcutta', 'US/Pacific', 'GMT', 'EST']) expect(isTimeZone(zone), zone).toBe(true);
    for (const zone of ['utc', 'europe/paris', 'EUROPE/PARIS', 'Mars/Olympus', '+01:00', '']) expect(isTimeZone(zone), zone).toBe(false);
  });
});
