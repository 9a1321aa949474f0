using SceneFinance.AdminUi;
using SceneFinance.BackOffice;
using SceneFinance.Grains;
using SceneFinance.Host;
using SceneFinance.Payments;
using SceneFinance.Payments.Simulator;
using SceneFinance.Platform;
using SceneFinance.Platform.Operations;
using SceneFinance.Platform.Problems;
using SceneFinance.Scenes;
using SceneFinance.Tenants;

var builder = WebApplication.CreateBuilder(args);
builder.AddHostDefaults();
builder.AddOperations();
builder.AddPlatform();
builder.AddSilo();
builder.AddPayments();
builder.Services.AddSceneGrains().AddTenants().AddScenes(builder.Configuration).AddBackOffice(builder.Configuration).AddAdminUi();

var app = builder.Build();
app.UseOperations();
app.UseHostDefaults();
app.MapGroup("/api/v1").RefuseControlCharacters().MapPlatform().MapTenants().MapScenes().MapPayments().MapBackOffice();
app.MapSimulatorPages();
app.MapAdminUi();
app.Run();
