using Marten;
using Microsoft.AspNetCore.Identity;
using SceneFinance.Platform.Problems;
using SceneFinance.Tenants.Users;

namespace SceneFinance.Tenants.SigningIn;

/// <summary>Checks a username and password, for the API's token and the admin shell's cookie alike.</summary>
public sealed class SignInCheck(IDocumentStore store, IPasswordHasher<UserAccount> hasher, LoginThrottle throttle, TimeProvider clock)
{
    /// <summary>The account, or <c>401 unauthorized</c> (<c>429 rate_limited</c> after repeated failures).</summary>
    public async Task<UserAccount> Verify(string userName, string password)
    {
        var id = UserAccount.IdFor(userName);
        throttle.ThrowIfLocked(id, clock.GetUtcNow());
        await using var session = store.QuerySession();
        var user = await session.LoadAsync<UserAccount>(id);
        var verdict = user is null ? PasswordVerificationResult.Failed : hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            throttle.Failed(id, clock.GetUtcNow());
            throw new ProblemException(401, ErrorCodes.Unauthorized, "The username or password is wrong.");
        }
        throttle.Succeeded(id);
        return user;
    }
}
