using IronLb.Election;
using IronLb.Dapr;
using IronLb.ServiceDefaults;

// The election service on its own, as a Dapr app: state and pub/sub through its Dapr sidecar.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddDaprMessaging(builder.Configuration);
builder.AddElection();

var app = builder.Build();
app.MapServiceDefaults();
app.MapDaprSubscriptions();
app.Run();
