using System.Security.Cryptography;
using Marten;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Tenants.Users;

/// <summary>
/// Creates the platform administrator <c>admin</c> on first start, with
/// <c>SceneFinance:BootstrapAdminPassword</c> or a generated password that is printed once and kept in
/// the data folder until the administrator changes it (they must, at the first shell sign-in). Later starts leave the account alone.
/// </summary>
sealed class AdminBootstrap(IDocumentStore store, IConfiguration configuration, IPasswordHasher<UserAccount> hasher, TimeProvider clock) : IHostedService
{
    public const string AdminUserName = "admin";

    public async Task StartAsync(CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.LoadAsync<UserAccount>(AdminUserName, ct) is not null) return;

        var configured = configuration["SceneFinance:BootstrapAdminPassword"];
        var password = string.IsNullOrEmpty(configured) ? Generate() : configured;
        // A generated password must be changed at the first shell sign-in (the file then goes); one set through configuration is
        // the operator's choice. Either way the API's tokens work from the start: automation signs in as before.
        var admin = new UserAccount
        {
            Id = AdminUserName, UserName = AdminUserName, Role = Roles.PlatformAdmin, CreatedAt = clock.GetUtcNow(),
            SecurityStamp = UserAccount.NewStamp(), MustChangePassword = string.IsNullOrEmpty(configured),
        };
        admin.PasswordHash = hasher.HashPassword(admin, password);
        session.Insert(admin);
        await session.SaveChangesAsync(ct);

        if (string.IsNullOrEmpty(configured))
        {
            var file = PasswordFile(configuration);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            SecretFiles.Write(file, password + "\n");
            Console.WriteLine($"Created the platform administrator '{AdminUserName}' with the generated password: {password}");
            Console.WriteLine($"(also written to {file}; it is not shown again)");
        }
    }

    /// <summary>Where the generated password is kept until it is changed.</summary>
    public static string PasswordFile(IConfiguration configuration) => Path.Combine(Storage.DataPath(configuration), "admin-password.txt");

    static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
