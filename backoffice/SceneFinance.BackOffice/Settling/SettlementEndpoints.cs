using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Time;

namespace SceneFinance.BackOffice.Settling;

/// <summary>The settlement routes (under <c>/api/v1</c>): parties, runs, statements, payouts and the payout file.</summary>
public static class SettlementEndpoints
{
    /// <summary>The payout file's lines of a run (the bank's operations only: it carries whole account numbers).</summary>
    public static async Task<IReadOnlyList<PayoutLine>> PayoutFile(ClaimsPrincipal user, IGrainFactory grains, IDocumentStore store, AccountNumbers numbers, string tenantId, string day)
    {
        await user.BankTenant(grains, tenantId);
        var date = Access.Day(day);
        await using var session = store.QuerySession(tenantId);
        return PayoutFiles.Lines(await session.Query<PayoutListing>().Where(p => p.Day == date).ToListAsync(), numbers);
    }

    public static IEndpointRouteBuilder MapSettlement(this IEndpointRouteBuilder api)
    {
        var settlement = api.MapGroup("/tenants/{tenantId}/settlement").WithTags("Back office");

        settlement.MapGet("/parties", async (string tenantId, HttpContext http, IGrainFactory grains, IDocumentStore store) =>
                TypedResults.Ok(await SettlementSlices.Parties(http.User, grains, store, tenantId)))
            .Doc("listSettlementParties", "The tenant's settlement parties: its merchants and its institution",
                "Each with its settlement account (the number masked to its last 4), its fees and what is payable to it now (fen; negative: carried forward).");

        settlement.MapPut("/parties/{partyId}/account", async (string tenantId, string partyId, SettlementAccountRequest body, HttpContext http, IGrainFactory grains,
                IDocumentStore store, AccountNumbers numbers, TimeProvider clock) =>
                (await SettlementSlices.SetAccount(http.User, grains, store, numbers, tenantId, partyId, body, clock.GetUtcNow())).ToOk())
            .Doc("setSettlementAccount", "Set where a party's payouts go (tenant-admin, finance)",
                "bankName, accountName and accountNumber (8 to 32 digits). The number is encrypted at rest and answered masked; only the payout file carries it whole.");

        settlement.MapPut("/parties/{partyId}/fees", async (string tenantId, string partyId, FeeScheduleRequest body, HttpContext http, IGrainFactory grains,
                IDocumentStore store, TimeProvider clock) =>
                (await SettlementSlices.SetFees(http.User, grains, store, tenantId, partyId, body, clock.GetUtcNow())).ToOk())
            .Doc("setSettlementFees", "Set a party's settlement fee (platform-admin)",
                "basisPoints of the gross payments (0 to 10000), optionally at least minPerTransaction fen per payment or minPerSettlement fen per day "
                + "with payments. Rounded half up to the fen: per payment when a per-transaction minimum is set, else on the day's gross.");

        settlement.MapPost("/runs", async (string tenantId, SettlementRunRequest body, HttpContext http, IGrainFactory grains, IDocumentStore store,
                SettlementRuns runs, TimeProvider clock) =>
                (await SettlementSlices.Run(http.User, grains, store, runs, tenantId, body.Day, IdempotencyTicket.RequireKey(http.Request), clock.GetUtcNow())).ToOk())
            .Idempotent()
            .Doc("runSettlement", "Settle a closed business day (platform-admin)",
                "Each party's movement of the day leaves its accounts (receivable → payable), less its fee, and what is payable is paid out "
                + "(payable → payout clearing) when positive and an account is set; a negative is carried forward. Once per party and day: "
                + "running it again, after a crash or by hand, answers the same statements and pays nothing twice. Days settle in order.");

        settlement.MapGet("/runs", async (string tenantId, HttpContext http, IGrainFactory grains, IDocumentStore store) =>
                TypedResults.Ok(await SettlementSlices.Runs(http.User, grains, store, tenantId)))
            .Doc("listSettlementRuns", "The tenant's settlement runs, newest day first");

        settlement.MapGet("/runs/{day}/payouts.csv", async (string tenantId, string day, HttpContext http, IGrainFactory grains, IDocumentStore store, AccountNumbers numbers) =>
                Results.File(PayoutFiles.Csv(await PayoutFile(http.User, grains, store, numbers, tenantId, day)), "text/csv; charset=utf-8", $"payouts-{tenantId}-{day}.csv"))
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Doc("downloadPayoutFileCsv", "The payout instruction file of a day's run, .csv (platform-admin)",
                "One line per payout (reference, payee, bank, account name, whole account number, amount in yuan), then a TOTAL line: for the bank's batch transfer system.");

        settlement.MapGet("/runs/{day}/payouts.xlsx", async (string tenantId, string day, HttpContext http, IGrainFactory grains, IDocumentStore store,
                AccountNumbers numbers, TenantClock clock) =>
                Xlsx.File(PayoutFiles.Xlsx(await PayoutFile(http.User, grains, store, numbers, tenantId, day), (await clock.For(tenantId)).Zone, h => h), $"payouts-{tenantId}-{day}.xlsx"))
            .Produces(StatusCodes.Status200OK, contentType: Xlsx.ContentType)
            .Doc("downloadPayoutFileXlsx", "The payout instruction file of a day's run, .xlsx (platform-admin)",
                "The same lines as the .csv with amounts as numeric yuan cells and a totals row.");

        settlement.MapGet("/statements", async (string tenantId, string? partyId, int? limit, HttpContext http, IGrainFactory grains, IDocumentStore store) =>
                TypedResults.Ok(await SettlementSlices.Statements(http.User, grains, store, tenantId, partyId, limit)))
            .Doc("listStatements", "Settlement statements, newest day first",
                "Per party and business day: gross, refunds and voids, funding, fee, net, carried in, payout, carried forward (fen). partyId narrows; limit 1 to 500 (50).");

        settlement.MapGet("/parties/{partyId}/statements/{day}", async (string tenantId, string partyId, string day, HttpContext http, IGrainFactory grains, IDocumentStore store) =>
                (await SettlementSlices.Statement(http.User, grains, store, tenantId, partyId, day)).ToOk())
            .Doc("getStatement", "A party's statement for a business day, with its lines",
                "Each line is a money event on the party's accounts: its category, amount, when it happened and when it was committed (late: it happened before the day).");

        settlement.MapGet("/payouts", async (string tenantId, string? partyId, string? day, HttpContext http, IGrainFactory grains, IDocumentStore store) =>
                TypedResults.Ok(await SettlementSlices.Payouts(http.User, grains, store, tenantId, partyId, day is null ? null : Access.Day(day))))
            .Doc("listPayouts", "Payouts and their status (instructed, paid, returned), newest day first", "partyId and day (yyyy-MM-dd) narrow the list.");

        settlement.MapPost("/payouts/{payoutId}/paid", async (string tenantId, string payoutId, PayoutConfirmation? body, HttpContext http, IGrainFactory grains,
                IDocumentStore store, TimeProvider clock) =>
                (await SettlementSlices.Confirm(http.User, grains, store, tenantId, payoutId, body ?? new(null), IdempotencyTicket.RequireKey(http.Request), clock.GetUtcNow())).ToOk())
            .Idempotent()
            .Doc("confirmPayoutPaid", "The bank confirms a payout paid (platform-admin)", "Payout clearing → the bank's settlement account. 409 when it was returned.");

        settlement.MapPost("/payouts/{payoutId}/returned", async (string tenantId, string payoutId, PayoutReturn body, HttpContext http, IGrainFactory grains,
                IDocumentStore store, TimeProvider clock) =>
                (await SettlementSlices.Return(http.User, grains, store, tenantId, payoutId, body, IdempotencyTicket.RequireKey(http.Request), clock.GetUtcNow())).ToOk())
            .Idempotent()
            .Doc("returnPayout", "A payout came back (a wrong account) (platform-admin)",
                "Payout clearing → payable again: the amount goes with the next run once the account is put right. 409 when it was confirmed paid.");
        return api;
    }
}
