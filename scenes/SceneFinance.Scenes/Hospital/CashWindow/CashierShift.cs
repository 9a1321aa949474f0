using SceneFinance.Platform.Ledger;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;
using A = SceneFinance.Scenes.Hospital.Patients.HospitalAccounts;

namespace SceneFinance.Scenes.Hospital.CashWindow;

// A cashier shift at the window is a stream (shift-{id}): opened with a float from the safe, closed once with the counted cash.
// The cash taken and paid out during the shift is the patients' accounts' (OrdersPaid, RefundExecuted into and out of the
// shift's drawer account); what the drawer should hold is read from the ledger at close, so it cannot disagree with them.

public sealed record CashShiftOpened(string ShiftId, string CashierId, string CashierName, long Float, DateTimeOffset OpenedAt, IReadOnlyList<Posting> Postings) : IJournalled;

/// <summary>The count differs from what the drawer should hold by more than the tenant allows: a second person approves the close.</summary>
public sealed record CashShiftCloseRequested(string ShiftId, long Expected, long Counted, string Reason, string ApprovalId, string RequestedById, string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>The counted cash went back to the safe; the difference (counted less expected) went to over/short.</summary>
public sealed record CashShiftClosed(
    string ShiftId, long Expected, long Counted, long Difference, string? Reason, string ClosedById, string ClosedBy, string? ApprovedById, string? ApprovedBy,
    DateTimeOffset ClosedAt, IReadOnlyList<Posting> Postings) : IJournalled;

public static class ShiftStatus
{
    public const string Open = "open", Closing = "pending_approval", Closed = "closed";
}

public sealed record CashierShift(
    string ShiftId, string CashierId, string CashierName, long Float, string Status, DateTimeOffset OpenedAt,
    long? Expected = null, long? Counted = null, string? Reason = null, string? ApprovalId = null, string? ClosedBy = null, string? ApprovedBy = null,
    DateTimeOffset? ClosedAt = null)
{
    public long? Difference => Counted - Expected;

    public static CashierShift? Fold(CashierShift? s, object e) => (s, e) switch
    {
        (null, CashShiftOpened o) => new CashierShift(o.ShiftId, o.CashierId, o.CashierName, o.Float, ShiftStatus.Open, o.OpenedAt),
        (null, _) => null,
        ({ } x, CashShiftCloseRequested r) => x with { Status = ShiftStatus.Closing, Expected = r.Expected, Counted = r.Counted, Reason = r.Reason, ApprovalId = r.ApprovalId },
        ({ } x, CashShiftClosed c) => x with
        {
            Status = ShiftStatus.Closed, Expected = c.Expected, Counted = c.Counted, Reason = c.Reason, ClosedBy = c.ClosedBy, ApprovedBy = c.ApprovedBy, ClosedAt = c.ClosedAt,
        },
        ({ } x, _) => x,
    };
}

/// <summary>Commands: imperative, time passed in. <see cref="Expected"/> is what the drawer's ledger account holds now.</summary>
public sealed record CloseShift(long Expected, long Counted, string? Reason, long Threshold, string ById, string By, DateTimeOffset Now);

/// <summary>The cashier shift's decisions: pure, from state and command to events or a refusal with the scene's code.</summary>
public static class ShiftDecisions
{
    public const string ShiftClosed = "shift_closed";
    public const string DifferenceNeedsReason = "difference_needs_reason";

    public static Decided Open(CashierShift? s, string shiftId, string cashierId, string cashierName, long @float, DateTimeOffset now) =>
        s is not null ? Decided.Nothing : Decided.To(new CashShiftOpened(shiftId, cashierId, cashierName, @float, now,
            @float > 0 ? Journal.Transfer(A.CashDrawer(shiftId), A.CashSafe, @float) : []));

    /// <summary>Whether a count this far from what the drawer should hold waits for a second person.</summary>
    public static bool NeedsApproval(long expected, long counted, long threshold) => Math.Abs(counted - expected) > threshold;

    /// <summary>
    /// Closes the shift with the counted cash: any difference needs a reason; within the threshold it closes at once (the count
    /// to the safe, the difference to over/short); beyond it, it waits for the approval <paramref name="approvalId"/>.
    /// Closing again while it waits replaces the count (a recount): the earlier approval no longer closes it.
    /// </summary>
    public static Decided Close(CashierShift s, CloseShift c, string? approvalId)
    {
        if (s.Status == ShiftStatus.Closed) return Refusal.Conflict("This shift is closed already.", ShiftClosed);
        if (c.Counted != c.Expected && string.IsNullOrWhiteSpace(c.Reason))
            return new Refusal(RefusalKind.Invalid, DifferenceNeedsReason, $"The count differs from the expected {c.Expected} fen: say why.",
                new() { ["reason"] = ["required when counted differs from expected"] });
        if (NeedsApproval(c.Expected, c.Counted, c.Threshold))
            return approvalId is null
                ? throw new InvalidOperationException("A close beyond the threshold is asked with its approval.")
                : Decided.To(new CashShiftCloseRequested(s.ShiftId, c.Expected, c.Counted, c.Reason!.Trim(), approvalId, c.ById, c.By, c.Now));
        return Decided.To(Closed(s, c.Expected, c.Counted, c.Reason, c.ById, c.By, null, null, c.Now));
    }

    /// <summary>The second person approved approval <paramref name="approvalId"/>: the shift closes with the count it was asked for.</summary>
    public static Decided Approved(CashierShift s, string approvalId, string approverId, string approver, DateTimeOffset now)
    {
        if (s.Status == ShiftStatus.Closed && s.ApprovalId == approvalId) return Decided.Nothing;
        if (s.Status != ShiftStatus.Closing || s.ApprovalId != approvalId)
            return Refusal.Conflict("This shift was recounted or closed since this approval was asked for.", ShiftClosed);
        return Decided.To(Closed(s, s.Expected!.Value, s.Counted!.Value, s.Reason, approverId, approver, approverId, approver, now));
    }

    static CashShiftClosed Closed(CashierShift s, long expected, long counted, string? reason, string byId, string by, string? approverId, string? approver, DateTimeOffset now)
    {
        var difference = counted - expected;
        var postings = expected == 0 && counted == 0 ? [] : Journal.Balanced([
            new Posting(A.CashSafe, counted, 0),
            new Posting(A.CashOverShort, Math.Max(0, -difference), Math.Max(0, difference)),
            new Posting(A.CashDrawer(s.ShiftId), Math.Max(0, -expected), Math.Max(0, expected)),
        ]);
        return new CashShiftClosed(s.ShiftId, expected, counted, difference, reason?.Trim(), byId, by, approverId, approver, now, postings);
    }
}
