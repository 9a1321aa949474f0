using System.Collections.Concurrent;
using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authentication;
using SceneFinance.Tenants.Users;

namespace SceneFinance.Tenants.SigningIn;

/// <summary>
/// Withdraws access within a minute: every authenticated request (token or cookie) is checked against the person's account,
/// read at most every <see cref="Fresh"/> per person and host. A disabled account, or a stamp that changed since the token was
/// issued (another role, a password reset), makes the request anonymous (401 on the API, the sign-in page in the shell).
/// The host that made the change forgets its copy at once.
/// </summary>
public sealed class SecurityStamps(IDocumentStore store, TimeProvider clock) : IClaimsTransformation
{
    public const string StampClaim = "sf:stamp";
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);

    readonly ConcurrentDictionary<string, (UserAccount? Account, DateTimeOffset ReadAt)> _accounts = new();

    public async Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal) =>
        principal.Identity is { IsAuthenticated: true, Name: { } name } && !await IsCurrent(principal, name) ? new ClaimsPrincipal(new ClaimsIdentity()) : principal;

    /// <summary>Whether the principal still speaks for the account (tokens of accounts this host does not keep pass).</summary>
    public async Task<bool> IsCurrent(ClaimsPrincipal principal, string name)
    {
        var account = await Account(UserAccount.IdFor(name));
        if (account is null) return true; // not one of our accounts (another module's scheme): not ours to judge
        return !account.Disabled && (principal.FindFirstValue(StampClaim) ?? "") == account.SecurityStamp;
    }

    /// <summary>The next request of this person reads the account again (the change was made here).</summary>
    public void Forget(string accountId) => _accounts.TryRemove(accountId, out _);

    async Task<UserAccount?> Account(string id)
    {
        var now = clock.GetUtcNow();
        if (_accounts.TryGetValue(id, out var known) && now - known.ReadAt < Fresh) return known.Account;
        await using var session = store.QuerySession();
        var account = await session.LoadAsync<UserAccount>(id);
        _accounts[id] = (account, now);
        return account;
    }
}
