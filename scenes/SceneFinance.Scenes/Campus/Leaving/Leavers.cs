using System.Security.Claims;
using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Payments.Gateway;
using SceneFinance.Payments.Intents;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Platform.Time;
using SceneFinance.Scenes.Approving;
using SceneFinance.Scenes.Campus.Billing;
using SceneFinance.Scenes.Campus.Reporting;
using SceneFinance.Scenes.CardHolders.ToppingUpOnline;

namespace SceneFinance.Scenes.Campus.Leaving;

/// <summary><see cref="To"/>: <c>channel</c> (back to the online top-ups' channel) or <c>cash</c> (paid out at the counter, with a receipt).</summary>
public sealed record LeaverRefundRequest(string? To, string? Reason);

/// <summary>An open bill of a leaver: finance cancels or waives it (the leaver page lists them; nothing is done to them by itself).</summary>
public sealed record LeaverBill(string Id, string Term, string PlanId, string Status, long Outstanding);

/// <summary>The leaver's latest refund request: where to, how much, and how far it got (pending, done, rejected, lapsed).</summary>
public sealed record LeaverRefund(string ApprovalId, string To, long Amount, string Status, string? Outcome, string RequestedBy, string? DecidedBy);

/// <summary>A student who left: their closed card holder's balance, their open bills and their refund.</summary>
public sealed record LeaverView(
    string StudentNumber, string Name, string Grade, string Class, string CardHolderId, DateTimeOffset LeftAt, string HolderStatus,
    long Cash, long Subsidy, IReadOnlyList<LeaverBill> OpenBills, LeaverRefund? Refund);

public sealed record LeaverPage(IReadOnlyList<LeaverView> Items, long Total);

/// <summary>
/// Leavers (离校): a roster row with status <c>left</c> closes the student's card holder (<see cref="ImportingRosters.RosterImporter"/>);
/// a student missing from a file is never closed. Here the finance office sees them, their open bills (to cancel or waive as it
/// decides) and asks for the refund of the cash purse: to the channel the online top-ups came through (the gateway's refunds of those
/// top-ups, once each) or in cash at the counter with a receipt. Either waits for a second person (another user id) in the one approval
/// queue (<see cref="Approvals"/>). Subsidy is the funder's, not the family's: it is not refunded here.
/// </summary>
public static class Leavers
{
    public const string Kind = "leaver-refund";
    public const string ToChannel = "channel", ToCash = "cash";

    public static void MapLeavers(this IEndpointRouteBuilder api)
    {
        var leavers = api.MapGroup("/tenants/{tenantId}/campus/leavers").WithTags("Campus");

        leavers.MapGet("", async (string tenantId, int? offset, int? limit, HttpContext http, IDocumentStore store, IGrainFactory grains) =>
                (await Page(http.User, store, grains, tenantId, (offset ?? 0) / Math.Clamp(limit ?? 50, 1, 500), Math.Clamp(limit ?? 50, 1, 500))).ToOk())
            .Doc("listLeavers", "Students who left, newest first: balance, open bills and refund",
                "A roster row with status left (离校) closes the student's card holder: its cards are declined card_frozen. Open bills are listed for "
                + "finance to cancel or waive; the cash purse waits for its refund (requestLeaverRefund). offset and limit (at most 500) page the list.");

        leavers.MapGet("/export.xlsx", async (string tenantId, HttpContext http, IDocumentStore store, IGrainFactory grains, TenantClock clock) =>
                TypedResults.File(Sheet(await All(http.User, store, grains, tenantId), (await clock.For(tenantId)).Zone, SheetWords.Bilingual),
                    Xlsx.ContentType, "leavers.xlsx"))
            .Doc("exportLeavers", "The leavers as .xlsx (amounts in yuan as numbers)")
            .Produces(StatusCodes.Status200OK, contentType: Xlsx.ContentType);

        leavers.MapPost("/{studentNumber}/refund-requests", async (string tenantId, string studentNumber, LeaverRefundRequest body, HttpContext http,
                    IDocumentStore store, IGrainFactory grains, StreamWriters writers, TimeProvider clock) =>
                (await RequestRefund(http.User, store, grains, writers, tenantId, studentNumber, body, clock.GetUtcNow()))
                    .ToCreated(a => $"/api/v1/tenants/{tenantId}/approvals/{a.Id}"))
            .Doc("requestLeaverRefund", "Ask for a leaver's cash purse to be refunded (a second person approves)",
                "to: channel (back through the gateway to the online top-ups it came from, newest first, once each) or cash (paid out at the counter; "
                + "the approval's outcome is the receipt). 201 a pending approval (kind leaver-refund): it is carried out when another user id approves it "
                + "(approveApproval; the asker gets 403 second_approver_required). 409 conflict when the student has not left, the purse is empty or a "
                + "refund is pending already; 409 refund_exceeds_paid when the online top-ups cannot take the whole balance back (pay it out in cash).")
            .Problems(StatusCodes.Status409Conflict);
    }

    public static async Task<Outcome<LeaverPage>> Page(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId, int page, int size)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        if ((await grains.FindTenant(tenantId)).Refusal is { } missing) return missing;
        await using var session = store.QuerySession(tenantId);
        var found = await session.Query<StudentRecord>().Where(s => s.LeftAt != null).OrderByDescending(s => s.LeftAt).ThenBy(s => s.Id)
            .ToPagedListAsync(page + 1, size);
        return new LeaverPage(await Views(session, grains, tenantId, [.. found]), found.TotalItemCount);
    }

    public static async Task<IReadOnlyList<LeaverView>> All(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, string tenantId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await grains.FindTenant(tenantId).OrThrow();
        await using var session = store.QuerySession(tenantId);
        var students = await session.Query<StudentRecord>().Where(s => s.LeftAt != null).OrderByDescending(s => s.LeftAt).ThenBy(s => s.Id).ToListAsync();
        return await Views(session, grains, tenantId, [.. students]);
    }

    static async Task<IReadOnlyList<LeaverView>> Views(IQuerySession session, IGrainFactory grains, string tenantId, IReadOnlyList<StudentRecord> students)
    {
        var numbers = students.Select(s => s.Id).ToArray();
        var holders = students.Select(s => s.CardHolderId).ToArray();
        var bills = (await session.Query<BillListing>().Where(b => b.StudentNumber.IsOneOf(numbers) && b.Outstanding > 0).ToListAsync())
            .ToLookup(b => b.StudentNumber);
        var refunds = (await session.Query<ApprovalListing>().Where(a => a.Kind == Kind && a.Subject.IsOneOf(holders)).ToListAsync())
            .GroupBy(a => a.Subject).ToDictionary(g => g.Key, g => g.OrderByDescending(a => a.RequestedAt).First());
        var views = new List<LeaverView>();
        foreach (var s in students)
        {
            var holder = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, s.CardHolderId)).Get();
            var refund = refunds.GetValueOrDefault(s.CardHolderId);
            views.Add(new LeaverView(s.Id, s.Name, s.Grade, s.Class, s.CardHolderId, s.LeftAt!.Value, holder?.Status ?? "closed",
                holder?.Balance.Cash ?? 0, holder?.Balance.Subsidy ?? 0,
                [.. bills[s.Id].Select(b => new LeaverBill(b.Id, b.Term, b.PlanId, b.Status, b.Outstanding))],
                refund is null ? null : new LeaverRefund(refund.Id, refund.Summary.StartsWith("Cash", StringComparison.Ordinal) ? ToCash : ToChannel, refund.Amount,
                    refund.Status, refund.Outcome, refund.RequestedBy, refund.DecidedBy)));
        }
        return views;
    }

    /// <summary>The leavers sheet: one row per leaver, amounts as numbers in yuan, the day they left as a date cell.</summary>
    public static byte[] Sheet(IEnumerable<LeaverView> rows, TimeZoneInfo zone, SheetWords w) => Xlsx.Write(zone, Xlsx.Sheet(w.Header("Leavers"), rows,
        Xlsx.Text<LeaverView>(w.Header("Student number"), r => r.StudentNumber), Xlsx.Text<LeaverView>(w.Header("Name"), r => r.Name),
        Xlsx.Text<LeaverView>(w.Header("Grade"), r => r.Grade), Xlsx.Text<LeaverView>(w.Header("Class"), r => r.Class),
        Xlsx.Time<LeaverView>(w.Header("Left"), r => r.LeftAt), Xlsx.Yuan<LeaverView>(w.Header("Cash balance (yuan)"), r => r.Cash),
        Xlsx.Yuan<LeaverView>(w.Header("Subsidy (yuan)"), r => r.Subsidy), Xlsx.Number<LeaverView>(w.Header("Open bills"), r => r.OpenBills.Count),
        Xlsx.Yuan<LeaverView>(w.Header("Outstanding (yuan)"), r => r.OpenBills.Sum(b => b.Outstanding)),
        Xlsx.Text<LeaverView>(w.Header("Refund"), r => r.Refund is { } f ? $"{w.Value("leaver-refund-to", f.To)} · {w.Value("approval-status", f.Status)}" : null)));

    public static async Task<Outcome<ApprovalView>> RequestRefund(ClaimsPrincipal user, IDocumentStore store, IGrainFactory grains, StreamWriters writers,
        string tenantId, string studentNumber, LeaverRefundRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        new Validation()
            .OneOf(body.To, "to", ToChannel, ToCash)
            .Text(body.Reason, "reason", 200)
            .ThrowIfInvalid();
        if ((await grains.FindTenant(tenantId)).Refusal is { } missing) return missing;
        StudentRecord? student;
        bool pending;
        await using (var session = store.QuerySession(tenantId))
        {
            student = await session.LoadAsync<StudentRecord>(studentNumber);
            pending = student is not null && await session.Query<ApprovalListing>()
                .AnyAsync(a => a.Kind == Kind && a.Subject == student.CardHolderId && (a.Status == ApprovalStatus.Pending || a.Status == ApprovalStatus.Approved));
        }
        if (student is null) return Refusal.NotFound("The student");
        if (student.LeftAt is null) return Refusal.Conflict("This student has not left: only a leaver's balance is refunded.");
        if (pending) return Refusal.Conflict("A refund of this leaver is waiting for approval already.");
        var holder = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, student.CardHolderId)).Get();
        if (holder is not { Balance.Cash: > 0 } h) return Refusal.Conflict("The cash purse is empty: nothing to refund.");
        var cash = h.Balance.Cash;
        if (body.To == ToChannel && await Refundable(store, tenantId, student.CardHolderId) is var online && online < cash)
            return Refusal.Conflict($"The online top-ups can take back {online} fen of {cash}; pay the balance out in cash.", CampusCodes.RefundExceedsPaid);
        var reason = body.Reason!.Trim();
        var summary = body.To == ToCash
            ? $"Cash payout to leaver {student.Id} {student.Name}: {Platform.Money.Yuan(cash)} ({reason})"
            : $"Channel refund to leaver {student.Id} {student.Name}: {Platform.Money.Yuan(cash)} ({reason})";
        return await Approvals.Request(user, writers, tenantId, Kind, student.CardHolderId, cash, summary,
            new Dictionary<string, string> { ["to"] = body.To!, ["reason"] = reason, ["studentNumber"] = student.Id }, now);
    }

    /// <summary>The holder's succeeded online top-ups, newest first, with what each can still give back.</summary>
    static async Task<List<(string IntentId, long Left)>> TopUps(IDocumentStore store, string tenantId, string holderId)
    {
        await using var session = store.QuerySession(tenantId);
        var intents = await session.Query<IntentListing>()
            .Where(i => i.PurposeKind == CardTopUpFulfilment.PurposeKind && i.TargetId == holderId && i.Amount > i.RefundedAmount)
            .OrderByDescending(i => i.CreatedAt).ToListAsync();
        return [.. intents.Where(i => i.Status == IntentStatus.Succeeded).Select(i => (i.Id, i.Amount - i.RefundedAmount))];
    }

    static async Task<long> Refundable(IDocumentStore store, string tenantId, string holderId) => (await TopUps(store, tenantId, holderId)).Sum(t => t.Left);

    /// <summary>
    /// Carries out an approved leaver refund, once per approval (a second approve, or a crash's retry, replays the same tickets): cash
    /// is paid out of the closed holder's purse with a receipt; a channel refund goes through the gateway, split over the online top-ups
    /// newest first, each refund under a ticket of the approval and the top-up (the gateway takes the money from the purse).
    /// </summary>
    public sealed class Refund(IDocumentStore store, IGrainFactory grains, IPaymentGateway gateway) : IApprovalAction
    {
        public string Kind => Leavers.Kind;
        public string[] Approvers => CampusAccess.FinanceOffice;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            var by = $"{a.RequestedBy} (approved by {a.DecidedBy}, {a.Id})";
            var reason = a.Details.GetValueOrDefault("reason") ?? "leaver";
            if (a.Details.GetValueOrDefault("to") == ToCash)
            {
                var paid = await grains.GetGrain<ICardHolderGrain>(GrainKeys.For(tenantId, a.Subject))
                    .PayOut(new PayOutCash($"po_{a.Id}", a.Amount, reason, by, IdempotencyTicket.Operation($"leaver-payout:{a.Id}"), now));
                return paid.Refusal is { } refused ? refused : $"receipt po_{a.Id}: {Platform.Money.Yuan(paid.Value!.Amount)} paid out in cash";
            }
            var left = a.Amount;
            var done = new List<string>();
            foreach (var (intentId, refundable) in await TopUps(store, tenantId, a.Subject))
            {
                if (left == 0) break;
                var amount = Math.Min(left, refundable);
                var ticket = IdempotencyTicket.For("approval", a.Id, "leaver-refund", intentId, amount);
                var refund = await gateway.Refund(tenantId, intentId, new RefundIntent(amount, reason, ticket, by, now));
                if (refund.Refusal is { } refused) return done.Count == 0 ? refused : Refusal.Conflict($"Refunded {string.Join(", ", done)}; then: {refused.Detail}");
                done.Add($"{refund.Value!.Id} {Platform.Money.Yuan(amount)} {refund.Value.Status}");
                left -= amount;
            }
            return left == 0 ? $"refunded to the channel: {string.Join(", ", done)}" : Refusal.Conflict("The online top-ups can no longer take the whole balance back.", CampusCodes.RefundExceedsPaid);
        }
    }
}
