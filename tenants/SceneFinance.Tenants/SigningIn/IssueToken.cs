using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using SceneFinance.Platform.Operations;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Tenants.Users;

namespace SceneFinance.Tenants.SigningIn;

public sealed record TokenRequest(string? Username, string? Password);

public sealed record TokenResponse(
    string AccessToken, long ExpiresIn, IReadOnlyList<string> Roles,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? TenantId);

public static class IssueToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static void MapIssueToken(this IEndpointRouteBuilder api) =>
        api.MapPost("/auth/token", async (TokenRequest body, HttpContext http, SignInCheck check, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock) =>
        {
            new Validation().Text(body.Username, "username", 64).Text(body.Password, "password", 128).ThrowIfInvalid();
            var user = await check.Verify(body.Username!, body.Password!, http.Connection.RemoteIpAddress?.ToString());
            return TypedResults.Ok(new TokenResponse(Issue(user, bearer, clock), (long)Lifetime.TotalSeconds, [user.Role], user.TenantId));
        })
        .WithTags("Auth")
        .Caller(CallerKind.Anyone)
        .Doc("issueToken", "Sign in: a bearer token for a username and password",
            "Answers an access token (send it as Authorization: Bearer), its lifetime in seconds, the person's roles and tenant (null for the "
            + "platform administrator). Wrong credentials are 401; after 10 failures for one username from one address within 5 minutes, "
            + "that pair is answered 429 rate_limited until the window passes.")
        .Problems(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);

    /// <summary>Set on a shell sign-in whose password must be changed first (a reset, a generated bootstrap password).</summary>
    public const string MustChangeClaim = "sf:must-change";

    /// <summary>The person as a token or cookie carries them: name, role, tenant, the account's security stamp (and for the shell,
    /// where they signed in from and whether they must change their password first).</summary>
    public static ClaimsPrincipal Principal(UserAccount user, string scheme, string? clientAddress = null)
    {
        // The user id (not the name) is who a second approver must differ from.
        var claims = new List<Claim> { new(ClaimTypes.Name, user.UserName), new(ClaimTypes.NameIdentifier, user.Id), new(ClaimTypes.Role, user.Role), new(SecurityStamps.StampClaim, user.SecurityStamp) };
        if (user.TenantId is not null) claims.Add(new Claim(Roles.TenantClaim, user.TenantId));
        if (clientAddress is not null) claims.Add(new Claim(SceneFinance.Platform.Audit.AuditActor.IpClaim, clientAddress));
        if (user.MustChangePassword) claims.Add(new Claim(MustChangeClaim, "true"));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    static string Issue(UserAccount user, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock)
    {
        var options = bearer.Get(BearerTokenDefaults.AuthenticationScheme);
        var now = clock.GetUtcNow();
        var ticket = new AuthenticationTicket(Principal(user, BearerTokenDefaults.AuthenticationScheme),
            new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + Lifetime }, BearerTokenDefaults.AuthenticationScheme);
        return options.BearerTokenProtector.Protect(ticket);
    }
}

/// <summary>
/// Slows password guessing: after 10 failures for one username from one address within 5 minutes, that pair answers <c>429</c>
/// until the window passes. Counted per cluster (a grain per pair), so a balancer spreading the guesses over silos changes nothing.
/// </summary>
public sealed class LoginThrottle(IGrainFactory grains)
{
    const int MaxFailures = 10;
    const string Purpose = "sign-in";
    static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public async Task ThrowIfLocked(string user, DateTimeOffset now)
    {
        if (await grains.For(Purpose, user).Failures(now, Window) >= MaxFailures)
            throw new ProblemException(429, ErrorCodes.RateLimited, "Too many failed sign-ins for this username; wait a few minutes.");
    }

    public Task Failed(string user, DateTimeOffset now) => grains.For(Purpose, user).Failed(now, Window);

    public Task Succeeded(string user) => grains.For(Purpose, user).Reset();
}
