using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;

namespace SceneFinance.Scenes.Hospital.Insuring;

/// <summary>A claim file as the simulated agency keeps it (the agency's side: platform-wide, by claim number).</summary>
public sealed class SimulatedInsurerClaim
{
    public string Id { get; set; } = "";
    public string FixmedinsCode { get; set; } = "";
    public string InsurerId { get; set; } = "";
    public long ClaimAmount { get; set; }
    /// <summary>PENDING until answered, then the answer's result.</summary>
    public string Status { get; set; } = Pending;
    public long? ApprovedAmount { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }

    public const string Pending = "PENDING";
}

/// <summary>A notification as the agency posts it: its headers and body, signed.</summary>
public sealed record SignedInsurerAnswer(IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// The sandbox's insurance agency: it takes claim files (idempotent on the claim number) and answers them when a person of the
/// tenant (or a platform admin) presses an answer on the claims page, like the payment simulator's wallet app (issue 11's rule).
/// Its answers are signed with this host's sandbox key and delivered in-process through the same check and inbox as one posted
/// over HTTP. It stands in for sandbox tenants only: a live tenant's claims are never submitted to it.
/// </summary>
public sealed class InsurerSimulator(IDocumentStore store, ITenantDirectory tenants, TimeProvider clock, IServiceProvider services) : IInsurerApi
{
    /// <summary>The key the simulated agency signs with (this host's; the inbox verifies sandbox answers with it).</summary>
    public byte[] Key { get; } = RandomNumberGenerator.GetBytes(32);

    public async Task<InsurerClaimReceipt> SubmitClaim(InsurerClaimFile file, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var known = await session.LoadAsync<SimulatedInsurerClaim>(file.ClaimNo, ct);
        if (known is null)
        {
            known = new SimulatedInsurerClaim
            {
                Id = file.ClaimNo, FixmedinsCode = file.FixmedinsCode, InsurerId = file.InsurerId, ClaimAmount = file.ClaimAmount, ReceivedAt = clock.GetUtcNow(),
            };
            session.Insert(known);
            try
            {
                await session.SaveChangesAsync(ct);
            }
            catch (JasperFx.DocumentAlreadyExistsException)
            {
                // Sent twice at once: the same claim number is the same claim.
            }
        }
        return new InsurerClaimReceipt(file.ClaimNo, InsurerResults.Accepted, known.ReceivedAt.ToString("O"));
    }

    /// <summary>The agency's answer to a claim it holds.</summary>
    public static InsurerAnswer AnswerOf(SimulatedInsurerClaim c, string result, long approvedAmount, string? reason, DateTimeOffset now) =>
        new(Platform.Tenancy.Ids.Derived("ntf", $"{c.Id}|{result}|{approvedAmount}"), c.FixmedinsCode, c.Id, c.InsurerId, result, c.ClaimAmount, approvedAmount,
            result == InsurerResults.Approved ? null : "SIM-" + result, reason, now.ToString("O"));

    /// <summary>Signs an answer as the agency posts it (the platform's signed-request scheme, version 1.1: a fresh nonce each delivery).</summary>
    public SignedInsurerAnswer Sign(InsurerAnswer answer, DateTimeOffset now, byte[]? key = null)
    {
        var body = JsonSerializer.Serialize(answer, InsurerJson.Options);
        var ts = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        var signature = Convert.ToHexStringLower(RequestSignature.SignV11(key ?? Key, ts, nonce, "POST", InsuranceNotifications.Path, "", Encoding.UTF8.GetBytes(body)));
        return new SignedInsurerAnswer(new Dictionary<string, string>
        {
            [InsurerJson.SignerHeader] = answer.InsurerId, ["X-Timestamp"] = ts, ["X-Signature"] = signature,
            [RequestSignature.VersionHeader] = RequestSignature.V11, [RequestSignature.NonceHeader] = nonce,
        }, body);
    }

    public async Task<SimulatedInsurerClaim?> Find(string claimNo)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<SimulatedInsurerClaim>(claimNo);
    }

    /// <summary>
    /// A person answers a sandbox claim as the agency would: <paramref name="result"/> APPROVED, PARTIAL (with the approved amount)
    /// or REJECTED. The signed answer goes through the inbox like any other; the claim's listing after it is the answer.
    /// </summary>
    public async Task<Outcome<InsuranceClaim>> Answer(ClaimsPrincipal user, string tenantId, string claimNo, string? result, long? approvedAmount, string? reason)
    {
        user.RequireTenantAccess(tenantId, Roles.CardOffice);
        new Validation()
            .OneOf(result, "result", InsurerResults.Answers)
            .Require(result != InsurerResults.Partial || approvedAmount is > 0, "approvedAmount", "A partial approval names the approved amount (more than 0).")
            .Require(reason is null || reason.Length <= 200, "reason", "reason is at most 200 characters.")
            .ThrowIfInvalid();
        if (await tenants.Find(tenantId) is not { Live: false })
            return Refusal.Conflict("The insurer simulator answers sandbox tenants' claims only; enter a live insurer's answer by hand.");
        if (await Find(claimNo) is not { } claim || claim.FixmedinsCode != tenantId) return Refusal.NotFound("The claim");
        var now = clock.GetUtcNow();
        var approved = result switch
        {
            InsurerResults.Approved => claim.ClaimAmount,
            InsurerResults.Rejected => 0,
            _ => approvedAmount!.Value,
        };
        var signed = Sign(AnswerOf(claim, result!, approved, reason, now), now);
        var delivered = await Deliver(signed);
        if (delivered.Refusal is { } refused) return refused;
        await using (var session = store.LightweightSession())
        {
            claim.Status = result!;
            claim.ApprovedAmount = approved;
            session.Store(claim);
            await session.SaveChangesAsync();
        }
        return await InsuranceClaims.Load(store, tenantId, claimNo) is { } listed ? listed : Refusal.NotFound("The claim");
    }

    /// <summary>Posts a signed answer to this host's inbox in-process: the same signature check and handling as over HTTP.</summary>
    async Task<Outcome<InsurerAck>> Deliver(SignedInsurerAnswer signed)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        var bytes = Encoding.UTF8.GetBytes(signed.Body);
        http.Request.Method = "POST";
        http.Request.Path = InsuranceNotifications.Path;
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = bytes.Length;
        http.Request.Body = new MemoryStream(bytes);
        foreach (var (name, value) in signed.Headers) http.Request.Headers[name] = value;
        return await services.GetRequiredService<InsuranceNotifications>().Receive(http.Request);
    }
}
