using Pilotdeck.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPilotdeckEndpoints();
builder.Services.AddPilotdeckServices();

var app = builder.Build();
app.MapPilotdeckServices();
app.ReportListeningAddresses();
app.Run();

/// <summary>Entry point type, visible to tests that host the server in-process.</summary>
public partial class Program;
