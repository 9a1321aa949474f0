using System.Collections.Immutable;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Scenes.Approving;

// A four-eyes request is a stream: asked for by one user id, decided once by another. Its decision is appended at the stream's
// expected version, so an approval and a rejection at the same moment cannot both win: the loser is decided again on what won
// and refused. Requester and approver are recorded by user id (and shown by name): the auditor's "who did it, who approved it".

public sealed record ApprovalRequested(
    string ApprovalId, string Kind, string Subject, long Amount, string Summary, ImmutableDictionary<string, string> Details,
    string RequestedBy, string RequestedById, DateTimeOffset RequestedAt);

public sealed record ApprovalGranted(string ApprovalId, string ApprovedBy, string ApprovedById, DateTimeOffset ApprovedAt);

public sealed record ApprovalRejected(string ApprovalId, string RejectedBy, string RejectedById, DateTimeOffset RejectedAt);

/// <summary>What was approved was carried out (money moved, the bill cancelled).</summary>
public sealed record ApprovalCarriedOut(string ApprovalId, string Outcome, DateTimeOffset CarriedOutAt);

/// <summary>Approved, but it could no longer be done (the bill was paid meanwhile): nothing moved.</summary>
public sealed record ApprovalLapsed(string ApprovalId, string Code, string Detail, DateTimeOffset LapsedAt);

public static class ApprovalStatus
{
    public const string Pending = "pending", Approved = "approved", Rejected = "rejected", Done = "done", Lapsed = "lapsed";
}

public sealed record Approval(
    string Id, string Kind, string Subject, long Amount, string Summary, ImmutableDictionary<string, string> Details, string Status,
    string RequestedBy, string RequestedById, DateTimeOffset RequestedAt,
    string? DecidedBy = null, string? DecidedById = null, DateTimeOffset? DecidedAt = null, string? Outcome = null)
{
    public static Approval? Fold(Approval? s, object e) => (s, e) switch
    {
        (null, ApprovalRequested r) => new Approval(r.ApprovalId, r.Kind, r.Subject, r.Amount, r.Summary, r.Details, ApprovalStatus.Pending,
            r.RequestedBy, r.RequestedById, r.RequestedAt),
        (null, _) => null,
        ({ } a, ApprovalGranted g) => a with { Status = ApprovalStatus.Approved, DecidedBy = g.ApprovedBy, DecidedById = g.ApprovedById, DecidedAt = g.ApprovedAt },
        ({ } a, ApprovalRejected r) => a with { Status = ApprovalStatus.Rejected, DecidedBy = r.RejectedBy, DecidedById = r.RejectedById, DecidedAt = r.RejectedAt },
        ({ } a, ApprovalCarriedOut c) => a with { Status = ApprovalStatus.Done, Outcome = c.Outcome },
        ({ } a, ApprovalLapsed l) => a with { Status = ApprovalStatus.Lapsed, Outcome = $"{l.Code}: {l.Detail}" },
        ({ } a, _) => a,
    };

    public ApprovalView View() => new(Id, Kind, Subject, Amount, Summary, Details, Status, RequestedBy, RequestedById, RequestedAt, DecidedBy, DecidedById, DecidedAt, Outcome);
}

/// <summary>An approval as the API, the queue page and the auditor see it.</summary>
public sealed record ApprovalView(
    string Id, string Kind, string Subject, long Amount, string Summary, IReadOnlyDictionary<string, string> Details, string Status,
    string RequestedBy, string RequestedById, DateTimeOffset RequestedAt, string? DecidedBy, string? DecidedById, DateTimeOffset? DecidedAt, string? Outcome);

/// <summary>The queue's listing (per tenant), rewritten on every change.</summary>
public sealed class ApprovalListing
{
    public string Id { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Subject { get; set; } = "";
    public long Amount { get; set; }
    public string Summary { get; set; } = "";
    public string Status { get; set; } = "";
    public string RequestedBy { get; set; } = "";
    public string RequestedById { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
    public string? DecidedBy { get; set; }
    public string? DecidedById { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? Outcome { get; set; }

    public static ApprovalListing Of(Approval a) => new()
    {
        Id = a.Id, Kind = a.Kind, Subject = a.Subject, Amount = a.Amount, Summary = a.Summary, Status = a.Status, RequestedBy = a.RequestedBy,
        RequestedById = a.RequestedById, RequestedAt = a.RequestedAt, DecidedBy = a.DecidedBy, DecidedById = a.DecidedById, DecidedAt = a.DecidedAt,
        Outcome = a.Outcome,
    };
}

/// <summary>Who asks or decides: the user id decides "someone else", the name is shown.</summary>
public sealed record Actor(string UserId, string UserName);

public static class ApprovalDecisions
{
    public const string SecondApproverRequired = "second_approver_required";
    public const string ApprovalRequired = "approval_required";

    public static Decided Request(Approval? s, ApprovalRequested requested) => s is null ? Decided.To(requested) : Decided.Nothing;

    public static Decided Approve(Approval s, Actor by, DateTimeOffset now)
    {
        if (s.RequestedById == by.UserId) return NotYourOwn;
        return s.Status switch
        {
            ApprovalStatus.Pending => Decided.To(new ApprovalGranted(s.Id, by.UserName, by.UserId, now)),
            ApprovalStatus.Approved or ApprovalStatus.Done => Decided.Nothing, // approved twice (two clicks, two approvers): carried out once
            ApprovalStatus.Rejected => Refusal.Conflict("This request was rejected."),
            _ => Refusal.Conflict("This request lapsed: it could no longer be carried out."),
        };
    }

    public static Decided Reject(Approval s, Actor by, DateTimeOffset now)
    {
        if (s.RequestedById == by.UserId) return NotYourOwn;
        return s.Status switch
        {
            ApprovalStatus.Pending => Decided.To(new ApprovalRejected(s.Id, by.UserName, by.UserId, now)),
            ApprovalStatus.Rejected => Decided.Nothing,
            _ => Refusal.Conflict("This request was approved already."),
        };
    }

    public static Decided CarriedOut(Approval s, string outcome, DateTimeOffset now) =>
        s.Status == ApprovalStatus.Approved ? Decided.To(new ApprovalCarriedOut(s.Id, outcome, now)) : Decided.Nothing;

    public static Decided Lapse(Approval s, Refusal why, DateTimeOffset now) =>
        s.Status == ApprovalStatus.Approved ? Decided.To(new ApprovalLapsed(s.Id, why.Code, why.Detail, now)) : Decided.Nothing;

    static readonly Refusal NotYourOwn = Refusal.Forbidden(
        "This must be approved or rejected by someone other than the person who asked for it.", SecondApproverRequired);
}
