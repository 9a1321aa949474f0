using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SceneFinance.Payments.Gateway;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;
using SceneFinance.Platform.Tenancy;
using SceneFinance.Scenes.Hospital.Patients;
using SceneFinance.Scenes.Hospital.PayingOrders;

namespace SceneFinance.Scenes.Hospital.Withholding;

/// <summary>
/// A patient's withholding agreements, written through the platform's <see cref="StreamWriter{TState}"/> on their own stream
/// (<c>withhold-{patientId}</c>, no grain: the hospital and the channel's notifications are its only writers, and a version
/// conflict decides again). Offered through the one gateway (which refuses live tenants without credentials); the channel's
/// signed notification makes it active (<see cref="IAgreementHolder"/>); the hospital or the patient at the channel ends it.
/// </summary>
public sealed class WithholdingAgreements(StreamWriters writers, IDocumentStore store, IPaymentGateway gateway, HospitalDesk desk, TimeProvider clock,
    ILogger<WithholdingAgreements> log) : IAgreementHolder
{
    public const string HolderKind = "hospital-withholding";
    static readonly Refusal None = Refusal.NotFound("The withholding agreement");

    public string Kind => HolderKind;

    async Task<StreamWriter<WithholdingAgreement>> Stream(string tenantId, string patientId)
    {
        var stream = writers.For<WithholdingAgreement>(tenantId, "withhold-" + patientId, WithholdingAgreement.Fold, None,
            follow: (next, d) => d.Upsert(WithholdingListing.Of(tenantId, next)));
        await stream.Load();
        return stream;
    }

    /// <summary>Offers the patient an agreement with <paramref name="channel"/>: recorded pending, then offered at the channel (where to sign).</summary>
    public async Task<Outcome<WithholdingView>> Offer(string tenantId, string patientId, string channel, string by)
    {
        if (await gateway.CheckAgreement(tenantId, channel) is { } refused) return refused;
        var account = await desk.Patient(tenantId, patientId, a => a.Get());
        if (account.Refusal is { } none) return none;
        var agreementId = Ids.New("wha");
        var stream = await Stream(tenantId, patientId);
        var offered = await stream.Start(s => WithholdingDecisions.Offer(s, patientId, agreementId, channel, gateway.AgreementNo(channel, agreementId)!, by, clock.GetUtcNow()),
            (next, _) => next);
        if (offered.Refusal is { } no) return no;
        var agreement = offered.Value!;
        var card = account.Value!.MedicalCardNumber;
        var atChannel = await gateway.OfferAgreement(tenantId, new OfferAgreement(channel, HolderKind, patientId, agreement.AgreementId, $"就诊卡 Medical card ****{card[^Math.Min(4, card.Length)..]}"));
        return atChannel.Map(a => WithholdingView.Of(agreement, a.SignUrl));
    }

    /// <summary>
    /// Ends the patient's agreement: recorded first (from then on no night debits them, whatever the channel answers), then ended at
    /// the channel too. Asking again after a channel that did not answer tells the channel again.
    /// </summary>
    public async Task<Outcome<WithholdingView>> Cancel(string tenantId, string patientId, string by, string reason)
    {
        if (!HospitalDesk.IsPatientId(patientId)) return None;
        var stream = await Stream(tenantId, patientId);
        var canceled = await stream.Write(s => WithholdingDecisions.Cancel(s, null, by, reason, clock.GetUtcNow()), next => next);
        if (canceled.Refusal is { } refused) return refused;
        var agreement = canceled.Value!;
        if (agreement.CanceledBy != ByChannel && (await gateway.TerminateAgreement(tenantId, agreement.Channel, agreement.AgreementNo, reason)).Refusal is { } channel)
            log.LogWarning("Withholding agreement {AgreementId} is canceled here but {Channel} could not be told ({Code}); cancel again to retry", agreement.AgreementId, agreement.Channel, channel.Code);
        return WithholdingView.Of(agreement);
    }

    public const string ByChannel = "channel";

    /// <summary>The channel's signed word on an agreement (from the gateway's inbox): signed, or ended by the patient in the wallet app.</summary>
    async Task IAgreementHolder.Changed(string tenantId, AgreementChange c)
    {
        var stream = await Stream(tenantId, c.TargetId);
        if (stream.State is null)
        {
            log.LogWarning("{Channel}: agreement {AgreementNo} names patient {PatientId}, who has no agreement here", c.Channel, c.AgreementNo, c.TargetId);
            return;
        }
        var written = c.Status switch
        {
            AgreementStatus.Signed => await stream.Write(s => WithholdingDecisions.Sign(s, c.AgreementId, c.ContractId, c.Now), next => next),
            AgreementStatus.Terminated => await stream.Write(s => WithholdingDecisions.Cancel(s, c.AgreementId, ByChannel, "ended at the channel", c.Now), next => next),
            _ => null,
        };
        // Not acknowledged: the channel delivers it again.
        if (written?.Refusal is { } refused) throw new InvalidOperationException($"Agreement {c.AgreementId}: {refused.Code} {refused.Detail}");
        // Signed at the channel after the hospital replaced or ended it: it must not stay signed there.
        if (c.Status == AgreementStatus.Signed && stream.State is { } now && (now.AgreementId != c.AgreementId || now.Status == AgreementStates.Canceled))
            await gateway.TerminateAgreement(tenantId, c.Channel, c.AgreementNo, "replaced");
    }

    public async Task<WithholdingListing?> Current(string tenantId, string patientId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<WithholdingListing>(patientId);
    }

    /// <summary>The tenant's active agreements by patient.</summary>
    public async Task<IReadOnlyDictionary<string, WithholdingListing>> Active(string tenantId)
    {
        await using var session = store.QuerySession(tenantId);
        return (await session.Query<WithholdingListing>().Where(l => l.Status == AgreementStates.Active).ToListAsync()).ToDictionary(l => l.Id);
    }

    // The slice's functions, for the routes and the admin shell alike.

    public static async Task<Outcome<WithholdingView>> Offer(ClaimsPrincipal user, WithholdingAgreements agreements, string tenantId, string id, WithholdingRequest body)
    {
        user.RequireTenantAccess(tenantId, PatientEndpoints.CreditCareStaff);
        new Validation().OneOf(body.Channel, "channel", PaymentChannels.All).ThrowIfInvalid();
        return await agreements.Offer(tenantId, id, body.Channel!, $"hospital:{user.Who()}");
    }

    public static async Task<Outcome<WithholdingView>> Get(ClaimsPrincipal user, WithholdingAgreements agreements, string tenantId, string id)
    {
        user.RequireTenantAccess(tenantId, Roles.TenantReaders);
        return await agreements.Current(tenantId, id) is { } found ? WithholdingView.Of(found) : None;
    }

    public static Task<Outcome<WithholdingView>> Cancel(ClaimsPrincipal user, WithholdingAgreements agreements, string tenantId, string id, CancelWithholdingRequest? body)
    {
        user.RequireTenantAccess(tenantId, PatientEndpoints.CreditCareStaff);
        return agreements.Cancel(tenantId, id, $"hospital:{user.Who()}", string.IsNullOrWhiteSpace(body?.Reason) ? "canceled by the hospital" : body.Reason.Trim());
    }

    public static void MapWithholding(IEndpointRouteBuilder hospital)
    {
        var agreement = hospital.MapGroup("/patients/{id}/withholding-agreement");

        agreement.MapPost("", async (string tenantId, string id, WithholdingRequest body, HttpContext http, WithholdingAgreements agreements) =>
                (await Offer(http.User, agreements, tenantId, id, body)).ToCreated(_ => $"/api/v1/tenants/{tenantId}/hospital/patients/{id}/withholding-agreement"))
            .Doc("offerWithholdingAgreement", "Offer a patient a withholding (password-free debit) agreement",
                "201 with the agreement (pending) and signUrl, where the patient signs it in the channel's wallet app; the channel's signed notification " +
                "makes it active, and the nightly credit settlement then debits the patient directly. The same channel again offers the pending one again; " +
                "409 agreement_active while one is active, channel_not_configured for a live tenant without the channel's credentials, " +
                "withholding_not_offered for a channel without agreements; 503 channel_unavailable when the channel did not answer.")
            .Problems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status503ServiceUnavailable);

        agreement.MapGet("", async (string tenantId, string id, HttpContext http, WithholdingAgreements agreements) =>
                (await Get(http.User, agreements, tenantId, id)).ToOk())
            .Doc("getWithholdingAgreement", "Read a patient's withholding agreement", "The current one: channel, status (pending, active, canceled), since (signed at).")
            .Problems(StatusCodes.Status404NotFound);

        agreement.MapPost("/cancel", async (string tenantId, string id, CancelWithholdingRequest? body, HttpContext http, WithholdingAgreements agreements) =>
                (await Cancel(http.User, agreements, tenantId, id, body)).ToOk())
            .Doc("cancelWithholdingAgreement", "Cancel a patient's withholding agreement",
                "Ends it here at once (no night debits the patient any more; open credit goes back to the approve-in-wallet flow) and at the channel. " +
                "Canceling a canceled one changes nothing.")
            .Problems(StatusCodes.Status404NotFound);
    }
}

public sealed record WithholdingRequest(string? Channel);

public sealed record CancelWithholdingRequest(string? Reason);
