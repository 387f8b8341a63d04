import { Type } from '@sinclair/typebox';
import { InstrumentSpecSchema } from '../../src/domain/instrument.ts';
import { DecimalText, OrderRequestSchema } from '../../src/domain/schemas.ts';
import { defineProtocol } from '../../src/index.ts';
import { RISK_REASONS } from './reasons.ts';

const TradingStateSchema = Type.Union([
  Type.Literal('ACTIVE'),
  Type.Literal('REDUCING'),
  Type.Literal('HALTED'),
]);

/** Risk limits as a message or a config file gives them; every one optional (absent = no limit or the default). */
export const RiskLimitsSchema = Type.Object(
  {
    maxNotionalPerOrder: Type.Optional(DecimalText),
    maxPosition: Type.Optional(Type.Record(Type.String(), DecimalText)),
    maxOpenOrders: Type.Optional(Type.Integer({ minimum: 0 })),
    submitRatePerSecond: Type.Optional(Type.Integer({ minimum: 1 })),
    modifyRatePerSecond: Type.Optional(Type.Integer({ minimum: 1 })),
    dailyLossLimit: Type.Optional(DecimalText),
  },
  { additionalProperties: false },
);

const DecisionSchema = Type.Object({
  clientOrderId: Type.String(),
  approved: Type.Boolean(),
  reason: Type.Optional(Type.Union(RISK_REASONS.map((reason) => Type.Literal(reason)))),
  message: Type.Optional(Type.String()),
});

/** The risk engine's messages: orders to screen, and the facts and settings the checks read. */
/** The entry of risk's `reconciling` that stands for the store's check; venue names cannot start with `$`. */
export const STORE_CHECK = '$store';

/** What an entry of risk's `reconciling` waits for, in words: a venue's name, or the store. */
export function waitLabel(key: string): string {
  return key === STORE_CHECK ? 'the store' : key;
}

export const riskProtocol = defineProtocol({
  messages: {
    submit: Type.Object({ order: OrderRequestSchema }),
    modify: Type.Object({
      clientOrderId: Type.String({ minLength: 1 }),
      instrumentId: Type.String({ minLength: 3 }),
      quantity: Type.Optional(DecimalText),
      price: Type.Optional(DecimalText),
      triggerPrice: Type.Optional(DecimalText),
    }),
    cancel: Type.Object({ clientOrderId: Type.String({ minLength: 1 }) }),
    setTradingState: Type.Object({
      state: TradingStateSchema,
      reason: Type.String(),
      /** For a node's stop: the next start of the node returns to the state before this one. */
      untilRestart: Type.Optional(Type.Boolean()),
    }),
    setLimits: Type.Object({ limits: RiskLimitsSchema }),
    instrument: Type.Object({ spec: InstrumentSpecSchema }),
    position: Type.Object({ instrumentId: Type.String(), quantity: DecimalText }),
    balance: Type.Object({ currency: Type.String({ minLength: 1 }), free: DecimalText }),
    price: Type.Object({ instrumentId: Type.String(), price: DecimalText }),
    orderClosed: Type.Object({ clientOrderId: Type.String() }),
    /** A modify the venue confirmed: the order's new fields, so that the next modify is checked against them. */
    orderUpdated: Type.Object({
      clientOrderId: Type.String(),
      quantity: Type.Optional(DecimalText),
      price: Type.Optional(DecimalText),
      triggerPrice: Type.Optional(DecimalText),
    }),
    dailyPnl: Type.Object({ pnl: DecimalText }),
    /** A venue's adapter reconciled it with execution: orders may go there again (see RiskInput.venues). */
    venueReconciled: Type.Object({ venue: Type.String({ minLength: 1 }) }),
    /** A venue's reconciliation failed: trading stays halted, and this says why. */
    venueUnreconciled: Type.Object({ venue: Type.String({ minLength: 1 }), reason: Type.String() }),
    /** The store's whole check at this start passed: orders may pass (see RiskInput.storeCheck). */
    storeChecked: Type.Object({}),
    status: Type.Object({}),
  },
  replies: {
    submit: DecisionSchema,
    modify: DecisionSchema,
    status: Type.Object({
      /** HALTED while a venue awaits reconciliation, whatever state was set. */
      tradingState: TradingStateSchema,
      /** Why trading is in the state set (setTradingState's reason, the loss limit's breach). */
      reason: Type.Optional(Type.String()),
      /** Venues not reconciled since the node started, with why; `$store` while the store's check runs. */
      reconciling: Type.Record(Type.String(), Type.String()),
      openOrders: Type.Integer(),
      limits: RiskLimitsSchema,
      instruments: Type.Array(Type.String()),
    }),
  },
});

export type RiskLimitsInput = (typeof riskProtocol.messages.setLimits)['static']['limits'];
