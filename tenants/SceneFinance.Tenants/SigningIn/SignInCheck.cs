using Marten;
using Microsoft.AspNetCore.Identity;
using SceneFinance.Platform.Problems;
using SceneFinance.Tenants.Users;

namespace SceneFinance.Tenants.SigningIn;

/// <summary>Checks a username and password, for the API's token and the admin shell's cookie alike.</summary>
public sealed class SignInCheck(IDocumentStore store, IPasswordHasher<UserAccount> hasher, LoginThrottle throttle, TimeProvider clock)
{
    /// <summary>The account, or <c>401 unauthorized</c> (<c>429 rate_limited</c> after repeated failures).</summary>
    public async Task<UserAccount> Verify(string userName, string password, string? clientAddress)
    {
        var id = UserAccount.IdFor(userName);
        // Per username and address: a guesser elsewhere cannot lock the real user (or the admin) out.
        var attempt = $"{id}|{clientAddress}";
        await throttle.ThrowIfLocked(attempt, clock.GetUtcNow());
        await using var session = store.QuerySession();
        var user = await session.LoadAsync<UserAccount>(id);
        // An unknown user costs a hash as well, so timing does not tell which usernames exist.
        var verdict = hasher.VerifyHashedPassword(user ?? Nobody, user?.PasswordHash ?? NobodysHash, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            await throttle.Failed(attempt, clock.GetUtcNow());
            throw new ProblemException(401, ErrorCodes.Unauthorized, "The username or password is wrong.");
        }
        await throttle.Succeeded(attempt);
        return user;
    }

    static readonly UserAccount Nobody = new() { Id = "", UserName = "" };
    static readonly string NobodysHash = new PasswordHasher<UserAccount>().HashPassword(Nobody, Guid.NewGuid().ToString());
}
