import { type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { VenueOrderEventSchema } from '../../../actors/execution/protocol.ts';
import { riskProtocol } from '../../../actors/risk/protocol.ts';
import { InstrumentSpecSchema } from '../../domain/instrument.ts';
import { DecimalText, OrderRequestSchema } from '../../domain/schemas.ts';

/** One line of a script: exactly one of these keys. See docs/script-format.md. */
const LINE_SCHEMAS = {
  time: Type.Integer({ minimum: 0 }),
  advance: Type.Integer({ minimum: 0 }),
  instrument: InstrumentSpecSchema,
  deposit: Type.Object(
    { currency: Type.String({ minLength: 1 }), amount: DecimalText },
    { additionalProperties: false },
  ),
  limits: riskProtocol.messages.setLimits.properties.limits,
  tradingState: riskProtocol.messages.setTradingState,
  price: Type.Object(
    {
      instrumentId: Type.String(),
      price: DecimalText,
      bid: Type.Optional(DecimalText),
      ask: Type.Optional(DecimalText),
    },
    { additionalProperties: false },
  ),
  dailyPnl: Type.Object({ pnl: DecimalText }, { additionalProperties: false }),
  submit: OrderRequestSchema,
  modify: riskProtocol.messages.modify,
  cancel: Type.Object({ clientOrderId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  venue: Type.Object({ clientOrderId: Type.String({ minLength: 1 }), event: VenueOrderEventSchema }),
} as const;

export type LineKind = keyof typeof LINE_SCHEMAS;
export type ScriptLine = { kind: LineKind; value: unknown };

const checks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(LINE_SCHEMAS).map(([kind, schema]) => [kind, TypeCompiler.Compile(schema as TSchema)]),
);

/** Parses one line, or says what is wrong with it (the runner adds the line number). */
export function parseLine(text: string): ScriptLine | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: 'a line must be a JSON object' };
  const keys = Object.keys(value);
  if (keys.length !== 1)
    return { error: `a line has exactly one key, one of ${Object.keys(LINE_SCHEMAS).join(', ')}` };
  const kind = keys[0] as string;
  const check = checks.get(kind);
  if (check === undefined) {
    return { error: `unknown line kind '${kind}' (one of ${Object.keys(LINE_SCHEMAS).join(', ')})` };
  }
  const body = (value as Record<string, unknown>)[kind];
  if (!check.Check(body)) {
    const first = check.Errors(body).First();
    return { error: `${kind}${first?.path ?? ''}: ${first?.message ?? 'invalid'}` };
  }
  return { kind: kind as LineKind, value: body };
}
