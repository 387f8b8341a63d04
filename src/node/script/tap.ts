import { Type } from '@sinclair/typebox';
import { setup } from 'xstate';
import { defineActor, defineProtocol } from '../../index.ts';

/*
 * The script runner's ear: every actor under test reports to it (order events, risk events, portfolio updates,
 * problems, and the requests execution sends to venues), and it hands each report to the runner's output.
 */
const report = Type.Unknown();
export const tapProtocol = defineProtocol({
  messages: {
    orderEvent: report,
    riskEvent: report,
    portfolioEvent: report,
    executionProblem: report,
    submit: report,
    modify: report,
    cancel: report,
    queryOrder: report,
  },
});

type Output = (source: string, type: string, payload: unknown, at: number) => void;
let output: Output = () => undefined;

/** Where reports go; the runner sets it before it starts the actors (all run inline, in its thread). */
export function setTapOutput(next: Output): void {
  output = next;
}

export const tapActor = defineActor({
  kind: 'tap',
  protocol: tapProtocol,
  machine: setup({ actions: { print: () => undefined } }).createMachine({
    id: 'tap',
    on: { '*': { actions: 'print' } },
  }),
  effects: () => ({
    actions: {
      print: ({ event }) => {
        const { type, payload, meta } = event as unknown as {
          type: string;
          payload: unknown;
          meta: { from: string; timestamp: number };
        };
        output(meta.from, type, payload, meta.timestamp);
      },
    },
  }),
});
