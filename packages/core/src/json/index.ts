export {
  acceptedJsonWithoutBidId,
  answersJson,
  bidJsonWithoutAuctionId,
  broadcastJson,
  commandJson,
  eventJson,
  eventsJson,
  liveStateJson,
  outcomeJson,
  stateJson,
  stringJson,
} from './json-text.js';
