using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SceneFinance.Platform.Http;
using SceneFinance.Platform.Operations;
using SceneFinance.Platform.Outcomes;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Time;

namespace SceneFinance.Tenants.SigningIn.OneTimeCodes;

public sealed record CodeRequest(string? Phone);

/// <summary>The answer to asking for a code: how long a code sent lives (the same whether or not a tenant knows the phone).</summary>
public sealed record CodeRequested(long ExpiresIn);
public sealed record PhoneTokenRequest(string? Phone, string? Code);

/// <summary>A phone's token: its roles, and every tenant that knows the phone (a guardian with children at two schools gets both).</summary>
public sealed record PhoneTokenResponse(string AccessToken, long ExpiresIn, IReadOnlyList<string> Roles, IReadOnlyList<string> TenantIds);

/// <summary>
/// Signing in with a phone and a one-time code sent to it, without a password or an account made by anyone: the phone is whoever the
/// tenants' <see cref="IPhoneDirectory"/> say it is (a guardian of the children the rosters name). The API's token and the portal's
/// cookie use the same two functions.
/// </summary>
public sealed class PhoneSignIn(OneTimeCodes codes, IEnumerable<IPhoneDirectory> directories, ITenantDirectory tenants)
{
    public const string Purpose = "phone-sign-in";

    /// <summary>Sends a code when some tenant knows the phone; answers alike when none does (nobody learns which phones are known).</summary>
    public async Task<Outcome<CodeSent>> SendCode(string? phone, Func<string, string> text, CancellationToken ct = default)
    {
        new Validation().Require(IsPhone(phone), "phone", "phone must be 6 to 20 digits.").ThrowIfInvalid();
        var memberships = await Memberships(phone!, ct);
        if (memberships.Count == 0) return new CodeSent(DateTimeOffset.MinValue);
        return await codes.Send(Purpose, phone!, text, await SentFor(memberships), ct);
    }

    /// <summary>
    /// The tenant the code is sent for: the code signs in to every tenant that knows the phone, so when one of them is live the code
    /// is a live tenant's (never shown by the sandbox's simulated phone); otherwise a sandbox one's.
    /// </summary>
    async Task<string> SentFor(List<PhoneMembership> memberships)
    {
        var ids = memberships.Select(m => m.TenantId).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
            if (await tenants.Find(id) is not { Live: false }) return id;
        return ids[0];
    }

    /// <summary>The person the code proves: name = the phone, a role and a tenant claim per tenant that knows it.</summary>
    public async Task<Outcome<ClaimsPrincipal>> SignIn(string? phone, string? code, string scheme, CancellationToken ct = default)
    {
        new Validation().Require(IsPhone(phone), "phone", "phone must be 6 to 20 digits.")
            .Require(code is { Length: 6 } && code.All(char.IsAsciiDigit), "code", "code must be the 6 digits sent by SMS.").ThrowIfInvalid();
        var redeemed = await codes.Redeem(Purpose, phone!, code!, ct);
        if (redeemed.Refusal is { } refused) return refused;
        var memberships = await Memberships(phone!, ct);
        if (memberships.Count == 0) return new Refusal(RefusalKind.Unauthorized, OneTimeCodeCodes.CodeInvalid, "The code is wrong, used or expired; ask for a new one.");
        var claims = new List<Claim> { new(ClaimTypes.Name, phone!) };
        claims.AddRange(memberships.Select(m => m.Role).Distinct().Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(memberships.Select(m => m.TenantId).Distinct().Select(t => new Claim(Roles.TenantClaim, t)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    async Task<List<PhoneMembership>> Memberships(string phone, CancellationToken ct)
    {
        var all = new List<PhoneMembership>();
        foreach (var directory in directories) all.AddRange(await directory.Memberships(phone, ct));
        return all;
    }

    static bool IsPhone(string? phone) => phone is { Length: >= 6 and <= 20 } && phone.All(char.IsAsciiDigit);

    /// <summary>The SMS around a code, in both languages (the phone's owner has not chosen one yet).</summary>
    public static string Sms(string code) =>
        $"【场景金融】您的登录验证码 {code}，{(int)OneTimeCodes.Lifetime.TotalMinutes} 分钟内有效，请勿告诉他人。Your sign-in code is {code}.";
}

public static class PhoneSignInEndpoints
{
    /// <summary>One-time codes and signing in with them; the scenes register their <see cref="IPhoneDirectory"/>.</summary>
    public static IServiceCollection AddPhoneSignIn(this IServiceCollection services)
    {
        services.AddSingleton<OneTimeCodes>();
        services.AddSingleton<PhoneSignIn>();
        services.ConfigureMarten(opts => opts.Schema.For<OneTimeCode>().SingleTenanted().UseOptimisticConcurrency(true));
        return services;
    }

    public static void MapPhoneSignIn(this IEndpointRouteBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Auth");

        auth.MapPost("/one-time-codes", async (CodeRequest body, PhoneSignIn signIn) =>
                (await signIn.SendCode(body.Phone, PhoneSignIn.Sms)).Map(_ => new CodeRequested((long)OneTimeCodes.Lifetime.TotalSeconds)).ToOk())
            .Caller(CallerKind.Anyone)
            .Doc("sendOneTimeCode", "Send a one-time sign-in code to a phone by SMS",
                "The same answer whether or not a tenant knows the phone (nobody learns which are known). A code lives 5 minutes and is usable once; "
                + "a phone gets one code per 30 seconds and 5 an hour, beyond that 429 rate_limited.")
            .Problems(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/phone-token", async (PhoneTokenRequest body, PhoneSignIn signIn, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock) =>
                (await signIn.SignIn(body.Phone, body.Code, BearerTokenDefaults.AuthenticationScheme)).Map(principal =>
                {
                    var now = clock.GetUtcNow();
                    var ticket = new AuthenticationTicket(principal, new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + IssueToken.Lifetime },
                        BearerTokenDefaults.AuthenticationScheme);
                    return new PhoneTokenResponse(bearer.Get(BearerTokenDefaults.AuthenticationScheme).BearerTokenProtector.Protect(ticket), (long)IssueToken.Lifetime.TotalSeconds,
                        [.. principal.FindAll(ClaimTypes.Role).Select(c => c.Value)], [.. principal.FindAll(Roles.TenantClaim).Select(c => c.Value)]);
                }).ToOk())
            .Caller(CallerKind.Anyone)
            .Doc("issuePhoneToken", "Sign in with a phone and the one-time code sent to it",
                "A bearer token for the person the tenants know by that phone (a guardian: every school whose roster names it). "
                + "401 code_invalid when the code is wrong, used or expired; 429 rate_limited after 5 wrong codes (ask for a new one).")
            .Problems(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
    }
}
