using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SceneFinance.Payments.Gateway;
using SceneFinance.Platform;
using SceneFinance.Platform.Audit;
using SceneFinance.Platform.Http;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Storage;

namespace SceneFinance.Host;

public static class HostDefaults
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddHostDefaults(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.UseStaticWebAssets(); // the admin shell's assets, also when run from build output
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblems();
        // Default deny: a route that says nothing about access needs a signed-in person; the anonymous ones say so
        // (AllowAnonymous, or Caller(...) for routes that authenticate their caller themselves). The route walk checks the list.
        builder.Services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddRateLimits(builder.Configuration);
        builder.Services.AddApiDocs(builder.Configuration);
        // Bad bodies throw in every environment (not only Development), so they all become problem+json validation_failed.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => SceneJson.Configure(o.SerializerOptions));
        // Tokens and cookies survive restarts, and sealed secrets open again: keys live in the data folder.
        var keyRing = builder.Services.AddDataProtection()
            .SetApplicationName("SceneFinance")
            .PersistKeysToFileSystem(PrivateFolder(Path.Combine(Storage.DataPath(builder.Configuration), "keys")));
        if (KeyRingCertificate(builder.Configuration) is { } certificate) keyRing.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        return builder;
    }

    /// <summary>
    /// The certificate that encrypts the key ring at rest (<c>SceneFinance:KeyRing:Certificate</c>, a .pfx with its private key,
    /// and <c>:CertificatePassword</c>); none configured: the key files are protected by their folder's mode only (this OS user).
    /// Keys written before a certificate was configured stay readable; keys written after need the certificate to be read.
    /// </summary>
    static System.Security.Cryptography.X509Certificates.X509Certificate2? KeyRingCertificate(IConfiguration configuration)
    {
        if (configuration["SceneFinance:KeyRing:Certificate"] is not { Length: > 0 } path) return null;
        var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
            path, configuration["SceneFinance:KeyRing:CertificatePassword"]);
        return certificate.HasPrivateKey ? certificate
            : throw new InvalidOperationException($"SceneFinance:KeyRing:Certificate ({path}) must hold the private key: the key ring is read with it.");
    }

    /// <summary>The key ring signs tokens and cookies: only this OS user may read it.</summary>
    static DirectoryInfo PrivateFolder(string path)
    {
        var dir = Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }

    public static WebApplication UseHostDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseInputBounds(); // body limits and clean paths before anything reads the request
        app.UseAuthentication();
        app.Use((http, next) =>
        {
            // A sign-in its security stamp withdrew (disabled, role changed, password reset) is nobody: 401, not 403.
            if (http.User.Identity?.IsAuthenticated != true
                && http.Features.Get<Microsoft.AspNetCore.Authentication.IAuthenticateResultFeature>() is { AuthenticateResult.Succeeded: true } withdrawn)
                withdrawn.AuthenticateResult = Microsoft.AspNetCore.Authentication.AuthenticateResult.NoResult();
            return next(http);
        });
        app.UseAuditActor(); // a signed-in person's request acts as them: the audit log records who decided
        app.UseRateLimits();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            // Links handed to payers (checkout pages) and channels (notify URLs) name this host unless configured otherwise.
            if (string.IsNullOrEmpty(app.Configuration["SceneFinance:Gateway:PublicBaseUrl"]) && addresses.FirstOrDefault() is { } first)
                app.Services.GetRequiredService<GatewayOptions>().PublicBaseUrl = first;
            foreach (var address in addresses) Console.WriteLine($"SceneFinance is listening on {address} (admin shell: {address}/ , API: {address}/api/v1)");
        });
        return app;
    }
}
