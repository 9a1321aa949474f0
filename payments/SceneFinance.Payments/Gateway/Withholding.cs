namespace SceneFinance.Payments.Gateway;

/// <summary>A withholding (password-free debit) agreement's status at the channel.</summary>
public static class AgreementStatus
{
    public const string Pending = "pending", Signed = "signed", Terminated = "terminated";
}

/// <summary>What we offer the payer to sign: <paramref name="DisplayAccount"/> is what the wallet app shows them (masked).</summary>
public sealed record ChannelAgreementRequest(string AgreementNo, string DisplayAccount);

/// <summary>An agreement in the common model; <see cref="SignUrl"/> is where the payer signs (while pending).</summary>
public sealed record ChannelAgreement(string AgreementNo, string Status, string? SignUrl = null, string? ContractId = null);

/// <summary>
/// A channel that can debit a payer without their approval each time, under an agreement they signed in the wallet app
/// (WeChat Pay 委托代扣, Alipay 商家扣款...). Implemented by the adapters of channels that offer it; the gateway refuses
/// agreements with the others. A debit is a payment intent like any other (the janitor, notifications and refunds are
/// the same); only its creation at the channel differs: it is charged at once instead of waiting for a payer.
/// </summary>
public interface IWithholdingChannel
{
    /// <summary>The agreement number that meets the channel's rules, derived from our agreement id.</summary>
    string AgreementNo(string agreementId);

    /// <summary>Offers the agreement (idempotent on the number): the answer says where the payer signs.</summary>
    Task<ChannelAgreement> Offer(ChannelAgreementRequest request, CancellationToken ct);

    Task<ChannelAgreement> QueryAgreement(string agreementNo, CancellationToken ct);

    /// <summary>Ends the agreement at the channel (idempotent: an ended one stays ended).</summary>
    Task<ChannelAgreement> Terminate(string agreementNo, string reason, CancellationToken ct);

    /// <summary>Charges the payer under a signed agreement (idempotent on the order number); the outcome may be final at once.</summary>
    Task<ChannelPayment> Debit(ChannelPaymentRequest request, string agreementNo, CancellationToken ct);
}

/// <summary>Which tenant and which holder an agreement number of a channel belongs to (platform-wide, like <c>ChannelOrder</c>).</summary>
public sealed class AgreementOwner
{
    /// <summary><c>"{channel}:{agreementNo}"</c></summary>
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";

    /// <summary>The holder's kind (<see cref="IAgreementHolder.Kind"/>) and its id for the agreement (a patient's...).</summary>
    public string Kind { get; set; } = "";
    public string TargetId { get; set; } = "";
    public string AgreementId { get; set; } = "";
    public bool Live { get; set; }

    public static string Key(string channel, string agreementNo) => $"{channel}:{agreementNo}";
}

/// <summary>What the channel said about an agreement, in the common model.</summary>
[GenerateSerializer, Immutable]
public sealed record AgreementChange(
    [property: Id(0)] string Channel, [property: Id(1)] string AgreementNo, [property: Id(2)] string AgreementId, [property: Id(3)] string TargetId,
    [property: Id(4)] string Status, [property: Id(5)] string? ContractId, [property: Id(6)] DateTimeOffset Now);

/// <summary>
/// Whoever holds agreements of a kind (like <c>IIntentFulfilment</c> for payments): told when the channel says one was signed or
/// terminated. Idempotent: the same news twice changes nothing the second time.
/// </summary>
public interface IAgreementHolder
{
    string Kind { get; }

    Task Changed(string tenantId, AgreementChange change);
}

/// <summary>An agreement to offer a payer for <paramref name="Kind"/>'s <paramref name="TargetId"/>.</summary>
public sealed record OfferAgreement(string Channel, string Kind, string TargetId, string AgreementId, string DisplayAccount);
