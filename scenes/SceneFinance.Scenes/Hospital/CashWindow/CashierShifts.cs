using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Platform;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Approving;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.Settings;
using A = SceneFinance.Scenes.Hospital.Patients.HospitalAccounts;

namespace SceneFinance.Scenes.Hospital.CashWindow;

public sealed record OpenShiftRequest(long? Float);
public sealed record CloseShiftRequest(long? Counted, string? Reason);

/// <summary>
/// A cashier shift: its float, the cash it took and paid out (read from its drawer's ledger account), what the drawer should
/// hold, and at close what was counted, the difference and why.
/// </summary>
public sealed record CashShiftView(
    string Id, string CashierId, string CashierName, string Status, long Float, long Taken, long Refunded, long Expected,
    long? Counted, long? Difference, string? Reason, string? ApprovalId, string? ClosedBy, string? ApprovedBy, DateTimeOffset OpenedAt, DateTimeOffset? ClosedAt);

/// <summary>The shifts' listing (per tenant), rewritten on every change: the queue of open drawers and the closes to read back.</summary>
public sealed class CashShiftListing
{
    public string Id { get; set; } = "";
    public string CashierId { get; set; } = "";
    public string CashierName { get; set; } = "";
    public string Status { get; set; } = "";
    public long Float { get; set; }
    public long? Expected { get; set; }
    public long? Counted { get; set; }
    public long? Difference { get; set; }
    public string? Reason { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTimeOffset OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    public static CashShiftListing Of(CashierShift s) => new()
    {
        Id = s.ShiftId, CashierId = s.CashierId, CashierName = s.CashierName, Status = s.Status, Float = s.Float, Expected = s.Expected,
        Counted = s.Counted, Difference = s.Difference, Reason = s.Reason, ApprovedBy = s.ApprovedBy, OpenedAt = s.OpenedAt, ClosedAt = s.ClosedAt,
    };
}

public sealed record CashShiftList(IReadOnlyList<CashShiftListing> Items, long Total);

/// <summary>
/// Cash at the window: a cashier opens a shift with a float from the safe, takes cash for orders and pays cash refunds (only of
/// what was paid in cash) through the patient's account, and closes with the counted cash. What the drawer should hold is its
/// ledger account's balance; a count off by more than the tenant's threshold waits for a second person (another user id)
/// through the tenant's one approval queue.
/// </summary>
public static class CashierShifts
{
    public const string CloseKind = "cash-shift-close";
    public static readonly string[] Closers = [Roles.TenantAdmin, Roles.Finance, Roles.Cashier];
    public static readonly string[] Approvers = [Roles.TenantAdmin, Roles.Finance];
    public const string ShiftOpen = "shift_open";

    static readonly Refusal NoShift = Refusal.NotFound("The cashier shift");

    public static void MapCashierShifts(this IEndpointRouteBuilder hospital)
    {
        var shifts = hospital.MapGroup("/cash-shifts");

        shifts.MapPost("", async (string tenantId, OpenShiftRequest body, HttpContext http, StreamWriters writers, IDocumentStore store, TimeProvider clock) =>
            {
                http.RequireTenantAccess(tenantId, Roles.CardOffice);
                return (await Open(http.User, writers, store, tenantId, IdempotencyTicket.RequireKey(http.Request), body, clock.GetUtcNow()))
                    .ToCreated(s => $"/api/v1/tenants/{tenantId}/hospital/cash-shifts/{s.Id}");
            })
            .Doc("openCashShift", "Open a cashier shift with its float",
                "The float (fen, 0 or more) moves from the safe into the shift's drawer. One open shift per person: 409 shift_open while the caller has one. "
                + "Cash payments and cash refunds at the window go through the caller's open shift.")
            .Problems(StatusCodes.Status409Conflict)
            .Idempotent();

        shifts.MapGet("", async (string tenantId, string? status, int? offset, int? limit, HttpContext http, IDocumentStore store) =>
                TypedResults.Ok(await List(http.User, store, tenantId, status, offset ?? 0, limit ?? 50)))
            .Doc("listCashShifts", "The cashier shifts, newest first", "status: open, pending_approval or closed. Each closed shift shows expected, counted and the difference.");

        shifts.MapGet("/current", async (string tenantId, HttpContext http, IDocumentStore store, StreamWriters writers) =>
                (await Current(http.User, store, writers, tenantId)).ToOk())
            .Doc("getCurrentCashShift", "The caller's open cashier shift", "Its float, the cash taken and refunded so far and what the drawer should hold; 404 when the caller has none open.");

        shifts.MapGet("/{shiftId}", async (string tenantId, string shiftId, HttpContext http, IDocumentStore store, StreamWriters writers) =>
                (await Get(http.User, store, writers, tenantId, shiftId)).ToOk())
            .Doc("getCashShift", "Read a cashier shift", "Float, cash taken, cash refunded, expected cash, and once closed the count, the difference and its reason.");

        shifts.MapPost("/{shiftId}/close", async (string tenantId, string shiftId, CloseShiftRequest body, HttpContext http, StreamWriters writers, IDocumentStore store,
                TimeProvider clock) =>
                (await Close(http.User, writers, store, tenantId, shiftId, body, clock.GetUtcNow())).ToOk())
            .Doc("closeCashShift", "Close a cashier shift with the counted cash",
                "The counted cash goes back to the safe and any difference (counted less expected) to over/short; a difference needs a reason "
                + "(400 difference_needs_reason). A difference beyond the tenant's cashDifferenceThreshold answers status pending_approval with its approvalId: "
                + "the shift closes when someone other than the closer approves it in the approval queue. Closing again while it waits is a recount. "
                + "409 shift_closed once closed.")
            .Problems(StatusCodes.Status409Conflict);
    }

    // The slice's functions, for the routes above, the window's payments and refunds, and the admin shell alike.

    public static async Task<Outcome<CashShiftView>> Open(ClaimsPrincipal user, StreamWriters writers, IDocumentStore store, string tenantId, string key,
        OpenShiftRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        new Validation().Require(body.Float is >= 0 and <= Validation.MaxAmount, "float", "float must be fen, 0 or more.").ThrowIfInvalid();
        var ticket = IdempotencyTicket.For("tenant", key, "cash-shift-open", user.UserId(), body.Float);
        // The same request again replays its shift, also once another shift was opened since.
        if (await StoredOutcomes.Find<CashShiftView>(store, tenantId, ticket) is { } answered) return answered;
        if (await OpenShiftOf(store, tenantId, user.UserId()) is { } open)
            return Refusal.Conflict($"You have shift {open.Id} open: close it before opening another.", ShiftOpen);
        var shiftId = Ids.New("shift");
        return await Stream(writers, tenantId, shiftId).Start(s => ShiftDecisions.Open(s, shiftId, user.UserId(), user.Who(), body.Float!.Value, now),
            (next, _) => View(next, next.Float, 0, 0), ticket, now);
    }

    public static async Task<CashShiftList> List(ClaimsPrincipal user, IDocumentStore store, string tenantId, string? status, int offset, int limit)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        await using var session = store.QuerySession(tenantId);
        var query = session.Query<CashShiftListing>().AsQueryable();
        if (status is { Length: > 0 }) query = query.Where(s => s.Status == status);
        var total = await query.CountAsync();
        var items = await query.OrderByDescending(s => s.OpenedAt).Skip(Math.Max(0, offset)).Take(Math.Clamp(limit, 1, 500)).ToListAsync();
        return new CashShiftList(items, total);
    }

    /// <summary>The caller's open shift, with its cash so far.</summary>
    public static async Task<Outcome<CashShiftView>> Current(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, string tenantId)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        return await OpenShiftOf(store, tenantId, user.UserId()) is { } open ? await Read(store, writers, tenantId, open.Id) : NoShift;
    }

    public static async Task<Outcome<CashShiftView>> Get(ClaimsPrincipal user, IDocumentStore store, StreamWriters writers, string tenantId, string shiftId)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return await Read(store, writers, tenantId, shiftId);
    }

    /// <summary>
    /// Closes with the counted cash against what the drawer's ledger account holds now. Beyond the threshold a request goes to
    /// the approval queue first and the shift records it: approved by someone else, it closes (<see cref="ApproveClose"/>).
    /// </summary>
    public static async Task<Outcome<CashShiftView>> Close(ClaimsPrincipal user, StreamWriters writers, IDocumentStore store, string tenantId, string shiftId,
        CloseShiftRequest body, DateTimeOffset now)
    {
        user.RequireTenantAccess(tenantId, Closers);
        new Validation()
            .Require(body.Counted is >= 0 and <= Validation.MaxAmount, "counted", "counted must be fen, 0 or more.")
            .Require(body.Reason is null || body.Reason.Length <= 200, "reason", "reason must be at most 200 characters.")
            .ThrowIfInvalid();
        var stream = Stream(writers, tenantId, shiftId);
        await stream.Load();
        if (stream.State is not { } shift) return NoShift;
        // A cashier closes their own drawer; finance and the tenant admin any.
        if (shift.CashierId != user.UserId() && !user.May(tenantId, Approvers))
            return Refusal.Forbidden("Only the shift's cashier, finance or a tenant admin closes a shift.");
        var cash = await Cash(store, tenantId, shiftId);
        var threshold = (await HospitalSettings.Load(store, tenantId)).CashDifferenceThreshold;
        var command = new CloseShift(cash.Expected, body.Counted!.Value, body.Reason, threshold, user.UserId(), user.Who(), now);
        string? approvalId = null;
        if (ShiftDecisions.Close(shift, command with { Threshold = long.MaxValue }, null) is { Refused: true } refused) return refused.Refusal!;
        if (ShiftDecisions.NeedsApproval(command.Expected, command.Counted, threshold))
        {
            var asked = await Approvals.Request(user, writers, tenantId, CloseKind, shiftId, Math.Abs(command.Counted - command.Expected),
                $"Cash shift {shiftId} of {shift.CashierName}: counted {Money.Yuan(command.Counted)}, expected {Money.Yuan(command.Expected)}",
                new Dictionary<string, string> { ["counted"] = $"{command.Counted}", ["expected"] = $"{command.Expected}", ["reason"] = body.Reason!.Trim() }, now);
            if (asked.Refusal is { } notAsked) return notAsked;
            approvalId = asked.Value!.Id;
        }
        var closed = await stream.Write(s => ShiftDecisions.Close(s, command, approvalId), next => next);
        return closed.Refusal is { } r ? r : View(closed.Value!, cash.Float, cash.Taken, cash.Refunded);
    }

    /// <summary>The approval queue's action: the second person approved the count; the shift closes with it, once.</summary>
    public sealed class ApproveClose(StreamWriters writers) : IApprovalAction
    {
        public string Kind => CloseKind;
        public string[] Approvers => CashierShifts.Approvers;

        public async Task<Outcome<string>> CarryOut(string tenantId, Approval a, DateTimeOffset now)
        {
            var stream = Stream(writers, tenantId, a.Subject);
            await stream.Load();
            if (stream.State is null) return NoShift;
            var closed = await stream.Write(s => ShiftDecisions.Approved(s, a.Id, a.DecidedById!, a.DecidedBy!, now), next => next);
            return closed.Map(s => $"shift {s.ShiftId} closed: counted {s.Counted}, expected {s.Expected}");
        }
    }

    /// <summary>The caller's open shift (a page and the window's cash payments and refunds use it).</summary>
    public static async Task<CashShiftListing?> OpenShiftOf(IDocumentStore store, string tenantId, string userId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.Query<CashShiftListing>().Where(s => s.CashierId == userId && s.Status == ShiftStatus.Open)
            .OrderByDescending(s => s.OpenedAt).FirstOrDefaultAsync();
    }

    public static readonly Refusal NoOpenShift = Refusal.Conflict("Cash needs your open cashier shift: open one with its float first.", PatientDecisions.NoOpenShift);

    /// <summary>Cash at the window needs the person's open shift: its id, or <c>no_open_shift</c>.</summary>
    public static async Task<Outcome<string>> RequireOpenShift(IDocumentStore store, string tenantId, ClaimsPrincipal user) =>
        await OpenShiftOf(store, tenantId, user.UserId()) is { } open ? open.Id : NoOpenShift;

    /// <summary>The drawer from the ledger: the float, what cash payments brought, what cash refunds took, what it should hold.</summary>
    public static async Task<(long Float, long Taken, long Refunded, long Expected)> Cash(IDocumentStore store, string tenantId, string shiftId)
    {
        var movements = await TrialBalanceEndpoint.Movements(store, tenantId, A.CashDrawer(shiftId));
        var opened = movements.Where(m => m.EventType == "cash_shift_opened").Sum(m => m.Debit);
        var during = movements.Where(m => m.EventType is not ("cash_shift_opened" or "cash_shift_closed")).ToList();
        var (taken, refunded) = (during.Sum(m => m.Debit), during.Sum(m => m.Credit));
        return (opened, taken, refunded, opened + taken - refunded);
    }

    static async Task<Outcome<CashShiftView>> Read(IDocumentStore store, StreamWriters writers, string tenantId, string shiftId)
    {
        var stream = Stream(writers, tenantId, shiftId);
        await stream.Load();
        if (stream.State is not { } shift) return NoShift;
        var cash = await Cash(store, tenantId, shiftId);
        return View(shift, cash.Float, cash.Taken, cash.Refunded);
    }

    static CashShiftView View(CashierShift s, long @float, long taken, long refunded) => new(
        s.ShiftId, s.CashierId, s.CashierName, s.Status, s.Float, taken, refunded, s.Status == ShiftStatus.Closed ? s.Expected!.Value : @float + taken - refunded,
        s.Counted, s.Difference, s.Reason, s.ApprovalId, s.ClosedBy, s.ApprovedBy, s.OpenedAt, s.ClosedAt);

    static StreamWriter<CashierShift> Stream(StreamWriters writers, string tenantId, string shiftId) =>
        writers.For<CashierShift>(tenantId, "shift-" + shiftId, CashierShift.Fold, NoShift, (next, d) => d.Upsert(CashShiftListing.Of(next)));

    public static void Configure(StoreOptions opts)
    {
        opts.Events.AddEventTypes([typeof(CashShiftOpened), typeof(CashShiftCloseRequested), typeof(CashShiftClosed)]);
        opts.Schema.For<CashShiftListing>().Index(x => x.CashierId).Index(x => x.OpenedAt);
    }
}
