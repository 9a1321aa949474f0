using SceneFinance.Cluster;
using SceneFinance.Platform.Postgres;

// ./sf run --silos N: N silos of the product on this machine behind one balancer (see README, "Running a cluster").
var builder = WebApplication.CreateBuilder(args);
var settings = ClusterSettings.From(builder.Configuration);
var pg = settings.ConnectionString is null ? EmbeddedPostgres.Start(Path.Combine(settings.DataPath, "postgres"), null, Console.WriteLine) : null;
var silos = Silos.Create(settings.SiloCount, settings.HostDll, settings.DataPath,
    settings.SiloEnvironment(pg?.ConnectionString ?? settings.ConnectionString!), LoggerFactory.Create(l => l.AddConsole()).CreateLogger<Silos>());
builder.WebHost.UseUrls(settings.Url);
builder.Services.AddSingleton(silos);
builder.Services.AddHostedService(sp => sp.GetRequiredService<Silos>());
builder.Services.AddBalancer(silos.All);

var app = builder.Build();
app.MapReverseProxy();
app.MapGet("/ops/cluster", (HttpContext http) => System.Net.IPAddress.IsLoopback(http.Connection.RemoteIpAddress!)
    ? Results.Ok(silos.All.Select(s => new { s.Name, Address = s.Address.ToString(), s.Pid, s.Running, s.Restarts }))
    : Results.NotFound());
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"SceneFinance cluster of {settings.SiloCount} silos is listening on {settings.Url} (admin shell: {settings.Url}/ , API: {settings.Url}/api/v1)"));
app.Lifetime.ApplicationStopped.Register(() => pg?.Stop());
app.Run();
