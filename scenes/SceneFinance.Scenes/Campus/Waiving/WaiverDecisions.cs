using SceneFinance.Platform.Storage;
using SceneFinance.Scenes.Campus.Billing;

namespace SceneFinance.Scenes.Campus.Waiving;

// A waiver is a stream: its decision is an event appended at the expected version, so of an approval and a rejection at the
// same moment exactly one is recorded and the other is decided again on what won (and refused). Requester and approver are
// recorded by user id, which is also what "someone else" is checked by.

public sealed record WaiverRequested(
    string WaiverId, string BillId, string StudentNumber, string Kind, long Amount, string Reason, string RequestedBy, string RequestedById,
    DateTimeOffset RequestedAt);

public sealed record WaiverApproved(string WaiverId, string ApprovedBy, string ApprovedById, DateTimeOffset ApprovedAt);

public sealed record WaiverRejected(string WaiverId, string RejectedBy, string RejectedById, DateTimeOffset RejectedAt);

/// <summary>Approved, but the bill no longer owed it (paid or cancelled meanwhile): nothing was waived.</summary>
public sealed record WaiverLapsed(string WaiverId, string Code, string Detail, DateTimeOffset LapsedAt);

public sealed record WaiverState(
    string Id, string BillId, string StudentNumber, string Kind, long Amount, string Reason, string Status, string RequestedBy, string RequestedById,
    DateTimeOffset RequestedAt, string? DecidedBy = null, string? DecidedById = null, DateTimeOffset? DecidedAt = null, string? LapsedCode = null)
{
    public static WaiverState? Fold(WaiverState? s, object e) => (s, e) switch
    {
        (null, WaiverRequested r) => new WaiverState(r.WaiverId, r.BillId, r.StudentNumber, r.Kind, r.Amount, r.Reason, WaiverStatus.Pending,
            r.RequestedBy, r.RequestedById, r.RequestedAt),
        (null, _) => null,
        ({ } w, WaiverApproved a) => w with { Status = WaiverStatus.Approved, DecidedBy = a.ApprovedBy, DecidedById = a.ApprovedById, DecidedAt = a.ApprovedAt },
        ({ } w, WaiverRejected r) => w with { Status = WaiverStatus.Rejected, DecidedBy = r.RejectedBy, DecidedById = r.RejectedById, DecidedAt = r.RejectedAt },
        ({ } w, WaiverLapsed l) => w with { Status = WaiverStatus.Lapsed, LapsedCode = l.Code },
        ({ } w, _) => w,
    };

    /// <summary>The listing the lists and pages read.</summary>
    public Waiver Listing() => new()
    {
        Id = Id, BillId = BillId, StudentNumber = StudentNumber, Kind = Kind, Amount = Amount, Reason = Reason, Status = Status,
        RequestedBy = RequestedBy, RequestedById = RequestedById, DecidedBy = DecidedBy, DecidedById = DecidedById, RequestedAt = RequestedAt, DecidedAt = DecidedAt,
    };
}

public static class WaiverStatus
{
    public const string Pending = "pending", Approved = "approved", Rejected = "rejected", Lapsed = "lapsed";
}

/// <summary>Who is deciding: the user id decides "someone else", the name is shown.</summary>
public sealed record Decider(string UserId, string UserName);

public static class WaiverDecisions
{
    public static Decided Approve(WaiverState s, Decider by, DateTimeOffset now)
    {
        if (s.RequestedById == by.UserId) return SecondApproverRequired;
        return s.Status switch
        {
            WaiverStatus.Approved => Decided.Nothing, // approved twice (two clicks, two approvers): applied once
            WaiverStatus.Rejected => Refusal.Conflict("This waiver was rejected."),
            WaiverStatus.Lapsed => Refusal.Conflict("This waiver lapsed: the bill no longer owed it."),
            _ => Decided.To(new WaiverApproved(s.Id, by.UserName, by.UserId, now)),
        };
    }

    public static Decided Reject(WaiverState s, Decider by, DateTimeOffset now)
    {
        if (s.RequestedById == by.UserId) return SecondApproverRequired;
        return s.Status switch
        {
            WaiverStatus.Rejected => Decided.Nothing,
            WaiverStatus.Pending => Decided.To(new WaiverRejected(s.Id, by.UserName, by.UserId, now)),
            _ => Refusal.Conflict("This waiver was approved already."),
        };
    }

    /// <summary>The bill refused the approved waiver: recorded, so the waiver does not stay "approved" for money never waived.</summary>
    public static Decided Lapse(WaiverState s, Refusal why, DateTimeOffset now) =>
        s.Status == WaiverStatus.Approved ? Decided.To(new WaiverLapsed(s.Id, why.Code, why.Detail, now)) : Decided.Nothing;

    static readonly Refusal SecondApproverRequired = Refusal.Forbidden(
        "A waiver must be approved or rejected by someone other than the person who asked for it.", CampusCodes.SecondApproverRequired);
}
