/** The zod schema of the sponsor statement's answer (`GET /api/admin/sponsors/{sponsorId}/statement`). */
import { z } from "zod";
import type { SponsorStatement, StatementEquation } from "../wire/index";
import { amount, epoch, money, text } from "./viewer-answers";

const statementEquation = z
  .object({ name: text, relation: z.enum(["=", "≤"]), left: money, right: money, holds: z.boolean() })
  .strict() satisfies z.ZodType<StatementEquation>;

export const statementAnswer = z
  .object({
    sponsorId: text,
    galaId: text,
    readAt: epoch,
    reconciled: z.boolean(),
    totals: z
      .object({
        loadedCents: amount,
        issuedCents: amount,
        openedCents: amount,
        settledCents: amount,
        settledOpenedCents: amount,
        settledSweptCents: amount,
        confirmingCents: money,
        voidedCents: amount,
        toWalletsCents: money,
        lentCents: amount,
        inStockCents: amount,
        returnedCents: amount,
        movingCents: money,
        inMotionCents: money,
      })
      .strict(),
    equations: z.array(statementEquation),
    pools: z.array(
      z
        .object({
          phaseId: text,
          phaseTitle: text,
          poolId: text,
          loadedCents: amount,
          loadedCount: amount,
          issuedCents: amount,
          issuedCount: amount,
          openedCents: amount,
          openedCount: amount,
          settledCents: amount,
          settledCount: amount,
          settledOpenedCents: amount,
          settledOpenedCount: amount,
          settledSweptCents: amount,
          settledSweptCount: amount,
          confirmingCents: money,
          voidedCents: amount,
          voidedCount: amount,
          toWalletsCents: money,
          lentCents: amount,
          inStockCents: amount,
          rolledInCents: amount,
          rolledOutCents: amount,
          returnedCents: amount,
          reconciled: z.boolean(),
          equations: z.array(statementEquation),
        })
        .strict(),
    ),
  })
  .strict() satisfies z.ZodType<SponsorStatement>;
