using Marten;
using Microsoft.AspNetCore.Identity;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Problems;
using SceneFinance.Tenants.Users;

namespace SceneFinance.Tenants.SigningIn;

/// <summary>
/// Checks a username and password, for the API's token and the admin shell's cookie alike. Every answer is in the audit log
/// (<c>sign-in.succeeded</c>, <c>sign-in.failed</c> with why); a throttled attempt is not, so a guesser cannot grow the log
/// past the throttle.
/// </summary>
public sealed class SignInCheck(IDocumentStore store, IPasswordHasher<UserAccount> hasher, LoginThrottle throttle, TimeProvider clock)
{
    public const string Succeeded = "sign-in.succeeded", Failed = "sign-in.failed";

    /// <summary>The account, or <c>401 unauthorized</c> (<c>429 rate_limited</c> after repeated failures).</summary>
    public async Task<UserAccount> Verify(string userName, string password, string? clientAddress)
    {
        var id = UserAccount.IdFor(userName);
        // Per username and address: a guesser elsewhere cannot lock the real user (or the admin) out.
        var attempt = $"{id}|{clientAddress}";
        await throttle.ThrowIfLocked(attempt, clock.GetUtcNow());
        await using var session = store.LightweightSession();
        var user = await session.LoadAsync<UserAccount>(id);
        // An unknown user costs a hash as well, so timing does not tell which usernames exist.
        var verdict = hasher.VerifyHashedPassword(user ?? Nobody, user?.PasswordHash ?? NobodysHash, password);
        var refused = user is null ? "unknown username" : verdict == PasswordVerificationResult.Failed ? "wrong password" : user.Disabled ? "disabled" : null;
        var actor = new AuditActor(Printable(id), user?.Role ?? "", user?.TenantId, clientAddress);
        session.Audit(user?.TenantId, refused is null ? Succeeded : Failed, $"user:{actor.Id}", null, null, refused, actor);
        await session.SaveChangesAsync();
        if (refused is not null)
        {
            await throttle.Failed(attempt, clock.GetUtcNow());
            throw new ProblemException(401, ErrorCodes.Unauthorized, "The username or password is wrong.");
        }
        await throttle.Succeeded(attempt);
        return user!;
    }

    /// <summary>What someone typed as a username, safe to store (PostgreSQL refuses NUL; the log shows no control characters).</summary>
    static string Printable(string id) => new(id.Where(c => !char.IsControl(c)).Take(64).ToArray());

    static readonly UserAccount Nobody = new() { Id = "", UserName = "" };
    static readonly string NobodysHash = new PasswordHasher<UserAccount>().HashPassword(Nobody, Guid.NewGuid().ToString());
}
