using SceneFinance.Platform.Storage;

namespace SceneFinance.Scenes.Hospital.Withholding;

// A patient's withholding (password-free debit, 免密代扣) agreements: stream "withhold-{patientId}", one agreement at a time
// (a new offer replaces a pending one; an active one must be canceled first). Past tense, the patient id first, and when.

/// <summary>The hospital offered the patient an agreement with a channel; the patient signs it in the channel's wallet app.</summary>
public sealed record WithholdingOffered(string PatientId, string AgreementId, string Channel, string AgreementNo, string OfferedBy, DateTimeOffset OfferedAt);

/// <summary>The channel's signed notification said the patient signed: from now on the nightly settlement debits them directly.</summary>
public sealed record WithholdingSigned(string PatientId, string AgreementId, string? ContractId, DateTimeOffset SignedAt);

/// <summary>Ended by the hospital (<see cref="By"/> <c>hospital:{who}</c>) or at the channel (<c>channel</c>: the patient in the wallet app).</summary>
public sealed record WithholdingCanceled(string PatientId, string AgreementId, string By, string Reason, DateTimeOffset CanceledAt);

public static class AgreementStates
{
    public const string Pending = "pending", Active = "active", Canceled = "canceled";
}

/// <summary>The patient's current (latest) agreement, as its events made it.</summary>
public sealed record WithholdingAgreement(
    string PatientId, string AgreementId, string Channel, string AgreementNo, string Status, string OfferedBy, DateTimeOffset OfferedAt,
    DateTimeOffset? SignedAt = null, DateTimeOffset? CanceledAt = null, string? CanceledBy = null, string? CancelReason = null)
{
    public static WithholdingAgreement? Fold(WithholdingAgreement? s, object e) => e switch
    {
        WithholdingOffered x => new WithholdingAgreement(x.PatientId, x.AgreementId, x.Channel, x.AgreementNo, AgreementStates.Pending, x.OfferedBy, x.OfferedAt),
        WithholdingSigned x when s?.AgreementId == x.AgreementId => s with { Status = AgreementStates.Active, SignedAt = x.SignedAt },
        WithholdingCanceled x when s?.AgreementId == x.AgreementId => s with
        {
            Status = AgreementStates.Canceled, CanceledAt = x.CanceledAt, CanceledBy = x.By, CancelReason = x.Reason,
        },
        _ => s,
    };
}

/// <summary>Pure decisions on a patient's agreement: state and command in, events or a refusal out.</summary>
public static class WithholdingDecisions
{
    public const string AgreementActive = "agreement_active";

    public static Decided Offer(WithholdingAgreement? s, string patientId, string agreementId, string channel, string agreementNo, string by, DateTimeOffset now) => s switch
    {
        { Status: AgreementStates.Active } => Refusal.Conflict(
            $"This patient already has an active withholding agreement with {s.Channel}; cancel it before offering another.", AgreementActive),
        // The same offer again (a retried request, the patient lost the link): the pending agreement is offered again.
        { Status: AgreementStates.Pending } when s.Channel == channel => Decided.Nothing,
        { Status: AgreementStates.Pending } => Decided.To(
            new WithholdingCanceled(patientId, s.AgreementId, by, "replaced", now),
            new WithholdingOffered(patientId, agreementId, channel, agreementNo, by, now)),
        _ => Decided.To(new WithholdingOffered(patientId, agreementId, channel, agreementNo, by, now)),
    };

    /// <summary>Only the current pending agreement becomes active: news of an older or ended one changes nothing.</summary>
    public static Decided Sign(WithholdingAgreement? s, string agreementId, string? contractId, DateTimeOffset now) =>
        s is { Status: AgreementStates.Pending } && s.AgreementId == agreementId
            ? Decided.To(new WithholdingSigned(s.PatientId, agreementId, contractId, now))
            : Decided.Nothing;

    /// <summary>Cancels the current agreement (<paramref name="agreementId"/> null: whichever it is); an ended one stays ended.</summary>
    public static Decided Cancel(WithholdingAgreement? s, string? agreementId, string by, string reason, DateTimeOffset now) => s switch
    {
        null => Refusal.NotFound("The withholding agreement"),
        _ when agreementId is not null && s.AgreementId != agreementId => Decided.Nothing,
        { Status: AgreementStates.Canceled } => Decided.Nothing,
        _ => Decided.To(new WithholdingCanceled(s.PatientId, s.AgreementId, by, reason, now)),
    };
}

/// <summary>A patient's current agreement, for the nightly settlement, the reminder and the pages; rewritten with every change.</summary>
public sealed class WithholdingListing
{
    /// <summary>The patient id.</summary>
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string AgreementId { get; set; } = "";
    public string Channel { get; set; } = "";
    public string AgreementNo { get; set; } = "";
    public string Status { get; set; } = "";
    public DateTimeOffset OfferedAt { get; set; }
    public DateTimeOffset? SignedAt { get; set; }
    public DateTimeOffset? CanceledAt { get; set; }
    public string? CanceledBy { get; set; }

    public static WithholdingListing Of(string tenantId, WithholdingAgreement s) => new()
    {
        Id = s.PatientId, TenantId = tenantId, AgreementId = s.AgreementId, Channel = s.Channel, AgreementNo = s.AgreementNo, Status = s.Status,
        OfferedAt = s.OfferedAt, SignedAt = s.SignedAt, CanceledAt = s.CanceledAt, CanceledBy = s.CanceledBy,
    };
}

/// <summary>
/// The agreement as the API and the pages show it: <c>since</c> is when it was signed; <c>signUrl</c> (in the answer to an offer)
/// is where the patient signs in the channel's wallet app.
/// </summary>
public sealed record WithholdingView(
    string PatientId, string AgreementId, string Channel, string Status, DateTimeOffset OfferedAt, DateTimeOffset? Since,
    DateTimeOffset? CanceledAt, string? CanceledBy, string? SignUrl = null)
{
    public static WithholdingView Of(WithholdingAgreement s, string? signUrl = null) =>
        new(s.PatientId, s.AgreementId, s.Channel, s.Status, s.OfferedAt, s.SignedAt, s.CanceledAt, s.CanceledBy, s.Status == AgreementStates.Pending ? signUrl : null);

    public static WithholdingView Of(WithholdingListing l) =>
        new(l.Id, l.AgreementId, l.Channel, l.Status, l.OfferedAt, l.SignedAt, l.CanceledAt, l.CanceledBy);
}
