using Marten;
using JasperFx;

namespace SceneFinance.Platform.Security;

/// <summary>A nonce a signer used (signature v1.1), kept until its request could no longer be accepted.</summary>
public sealed class SeenNonce
{
    public string Id { get; set; } = "";
    public DateTimeOffset Until { get; set; }
}

/// <summary>
/// The replay cache of signature v1.1 (<see cref="RequestSignature"/>): a nonce is accepted once per signer. Kept in PostgreSQL,
/// not in a silo's memory, so a replay sent to another silo, or after a restart, is refused as well. A nonce is claimed by
/// inserting its row (the primary key decides between two silos at once); rows past their time are deleted now and then.
/// </summary>
public sealed class SignatureNonces(IDocumentStore store, TimeProvider clock)
{
    /// <summary>True the first time <paramref name="signer"/> sends <paramref name="nonce"/>; false for a replay.</summary>
    public async Task<bool> FirstUse(string signer, string nonce, DateTimeOffset until)
    {
        await using var session = store.LightweightSession();
        session.Insert(new SeenNonce { Id = $"{signer}|{nonce}", Until = until });
        try
        {
            await session.SaveChangesAsync();
        }
        catch (DocumentAlreadyExistsException)
        {
            return false;
        }
        if (Random.Shared.Next(512) == 0) await Forget();
        return true;
    }

    /// <summary>Deletes nonces whose requests could no longer be accepted anyway.</summary>
    public async Task Forget()
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        session.DeleteWhere<SeenNonce>(n => n.Until < now);
        await session.SaveChangesAsync();
    }
}
