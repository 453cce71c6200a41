// Drives AWS's own JavaScript SDK clients against an endpoint (the portal's simulator) and prints, as one JSON
// line per call, what the SDK made of each answer: the parsed output, or the error's name and HTTP status.
// Usage: node marketplace-sdk-check.mjs <meteringEndpoint> <entitlementEndpoint> <region> <json: [{op, input}]>
import { MarketplaceMeteringClient, ResolveCustomerCommand, BatchMeterUsageCommand } from "@aws-sdk/client-marketplace-metering";
import { MarketplaceEntitlementServiceClient, GetEntitlementsCommand } from "@aws-sdk/client-marketplace-entitlement-service";

const [meteringEndpoint, entitlementEndpoint, region, callsJson] = process.argv.slice(2);
const common = { region, maxAttempts: 1 };
const metering = new MarketplaceMeteringClient({ ...common, endpoint: meteringEndpoint });
const entitlement = new MarketplaceEntitlementServiceClient({ ...common, endpoint: entitlementEndpoint });

for (const call of JSON.parse(callsJson)) {
  let command, client = metering;
  if (call.op === "ResolveCustomer") command = new ResolveCustomerCommand(call.input);
  else if (call.op === "BatchMeterUsage") command = new BatchMeterUsageCommand({
    ...call.input, UsageRecords: call.input.UsageRecords.map(r => ({ ...r, Timestamp: new Date(r.Timestamp) })) });
  else { command = new GetEntitlementsCommand(call.input); client = entitlement; }
  try {
    const out = await client.send(command);
    delete out.$metadata;
    console.log(JSON.stringify({ op: call.op, ok: true, output: out }));
  } catch (e) {
    console.log(JSON.stringify({ op: call.op, ok: false, name: e.name, status: e.$metadata?.httpStatusCode, message: e.message }));
  }
}
