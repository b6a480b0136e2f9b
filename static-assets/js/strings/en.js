/**
 * Every string the viewer shows, in English. `zh-cn.js` has the same keys (the type checker
 * holds it to this shape); entries with values to fill in are functions.
 */
export const EN = {
  title: "Gala Shake",
  skip: "Skip to the shake button",
  navLabel: "Viewer",
  switchLanguage: "中文",
  switchLanguageLabel: "切换到中文",
  loadingShow: "Loading the show…",
  /** @param {string} title */
  liveNow: (title) => `Live now: ${title}`,
  /** @param {string} time */
  endsIn: (time) => `ends in ${time}`,
  /** @param {string} title */
  next: (title) => `Next: ${title}`,
  /** @param {string} time */
  startsIn: (time) => `starts in ${time}`,
  showOver: "The show is over",
  offline: "You are offline. The countdown keeps running; shaking needs the network.",
  shakeHeading: "Shake",
  shake: "Shake!",
  shakeHint: "Shake your phone or press the button",
  shaking: "Shaking…",
  /** @param {string} seconds */
  nextShakeIn: (seconds) => `Next shake in ${seconds} s`,
  allowMotion: "Allow shaking with motion",
  tooFast: "Easy! You are shaking faster than the show allows.",
  networkStruggling: "The network is struggling; your phone will retry more slowly.",
  challengeFailedShake: "The check that you are a person did not pass: shake again to retry it.",
  resourcesLabel: "Show resources",
  resourcesPreparing: "Preparing offline resources…",
  /**
   * @param {string} size
   * @param {number} files
   */
  resourcesReady: (size, files) => `Show resources ready offline (${size}, ${files} files) · 100%`,
  /**
   * @param {string} size
   * @param {number} percent
   */
  resourcesPaused: (size, percent) => `Download paused at ${size} (${percent}%); it resumes when the network is back`,
  /**
   * @param {string} size
   * @param {number} percent
   */
  resourcesDownloading: (size, percent) => `Downloading show resources: ${size} (${percent}%)`,
  /**
   * @param {string} done
   * @param {string} total
   */
  sizeOf: (done, total) => `${done} of ${total}`,
  resourcesUnavailable: "Offline resources are not available in this browser",
  greetingAlt: "Happy New Year!",
  greetingText: "Happy New Year! Keep shaking for a red envelope.",
  restTitle: "Rest a moment",
  noMorePhases: "No more phases tonight. Thank you for shaking with us!",
  nextPhaseIn: "The next phase starts in ",
  busyTitle: "The server is catching its breath",
  busyText: "So many people are shaking right now. Your phone will wait a moment before the next try.",
  voidedTitle: "This envelope could not be yours after all",
  voidedText:
    "We are sorry: you already hold as many envelopes as one person may win tonight, or this one reached us too late. " +
    "Its money goes back to the pool for other viewers, and nothing leaves your wallet. Keep shaking for the greetings!",
  /** @param {string} sponsor */
  envelopeFrom: (sponsor) => `A red envelope from ${sponsor}!`,
  winHint: "You won a red envelope! Open it to see how much is inside.",
  envelopeAlt: "Red envelope",
  openEnvelope: "Open the envelope",
  openedNote: "On its way to your wallet.",
  keptClaimNote: "Yours either way: your phone keeps its signed claim and hands it in as soon as the server can take it.",
  pendingClaimNote: "Yours either way: it reaches your wallet when the phase closes.",
  seeInWallet: "See it in my wallet",
  keepShaking: "Keep shaking",
  close: "Close",
  /**
   * @param {string} sponsor
   * @param {string} amount
   */
  wonSummary: (sponsor, amount) => `A red envelope from ${sponsor}: ${amount}`,
  /** @param {string} sponsor */
  unopenedSummary: (sponsor) => `A red envelope from ${sponsor} is waiting for you.`,
  aSponsor: "a sponsor",
  wallet: "My wallet",
  walletEntries: "Wallet entries",
  sendGroupTitle: "Send a group envelope to friends",
  groupTotal: "Total (¥)",
  groupShares: "Shares",
  groupGreeting: "Greeting (optional)",
  createGroup: "Create the group envelope",
  /** @param {string} sponsor */
  entryEnvelope: (sponsor) => `Envelope from ${sponsor}`,
  entryGroupSend: "Group envelope you sent",
  entryGroupGrab: "Share of a friend's group envelope",
  entryGroupRefund: "Unclaimed shares returned",
  entryGroupCancel: "Group envelope cancelled, refunded",
  entrySettled: "in your wallet",
  entryPending: "on its way",
  /** @param {string} amount */
  walletPending: (amount) => `${amount} on its way to your wallet`,
  walletAllIn: "Everything you won is in your wallet.",
  walletEmpty: "Nothing yet: shake during a lottery phase!",
  /** @param {string} reason */
  walletUnreadable: (reason) => `The wallet cannot be read right now (${reason}); retrying.`,
  typeTotal: "Type the total like 8.88",
  insufficientFunds: "Your settled balance is not enough for that: money on its way cannot be sent yet.",
  /** @param {string} reason */
  notSent: (reason) => `Not sent: ${reason}`,
  groupRegion: "Red envelope shared with you",
  groupHeading: "A red envelope for friends",
  grabShare: "Grab a share",
  whoGrabbed: "Who grabbed what",
  /** @param {string} reason */
  couldNotGrab: (reason) => `Could not grab: ${reason}`,
  noSuchGroup: "There is no such envelope: check the link you were sent.",
  /** @param {string} reason */
  groupUnavailable: (reason) => `This envelope cannot be shown: ${reason}`,
  /** @param {string} amount */
  grabbed: (amount) => `You grabbed ${amount}! It is on its way to your wallet.`,
  /** @param {string} amount */
  alreadyGrabbed: (amount) => `You already grabbed ${amount} from this envelope.`,
  groupEmpty: "Every share has been grabbed.",
  groupExpired: "This envelope has expired; what was left went back to the sender.",
  /**
   * @param {string} amount
   * @param {number} count
   * @param {number} left
   */
  groupSummary: (amount, count, left) => `${amount} in ${count} shares · ${left} left`,
  you: "You",
  theSender: "The sender",
  /** @param {string} n */
  friend: (n) => `Friend ${n}`,
  shareWithFriends: "Share with friends",
  noShareBudget: "This envelope has no share budget. You can send a group envelope from your wallet.",
  /** @param {string} reason */
  cannotShare: (reason) => `Cannot share it now: ${reason}`,
  /**
   * @param {string} amount
   * @param {number} count
   * @param {string} until
   */
  shareIntro: (amount, count, until) => `${amount} in ${count} shares for your friends, open until ${until}:`,
  copyLink: "Copy link",
  linkCopied: "Link copied: paste it to your friends.",
  copySelected: "Copy the selected link to your friends.",
  shareDots: "Share…",
  shareTitle: "A red envelope for you",
  shareText: "Grab a share of my red envelope!",
  signIn: "Sign in",
  signedIn: "Signed in",
  /** @param {string} name */
  signedInAs: (name) => `Signed in as ${name}`,
  challengeChecking: "Checking that you are a person before your first shake…",
  challengeFailed: "The check that you are a person did not work; trying again in a moment.",
  challengeExpired: "The check expired; it runs again by itself.",
  challengeUnavailable: "The check that you are a person cannot load: check your network.",
  reasonNetwork: "the network is struggling, try again",
  reasonTimeout: "the server did not answer in time",
  reasonBusy: "the server is busy, try again in a moment",
  /** @param {string} code */
  reasonRefused: (code) => `the server refused it (${code})`,
};

/** @typedef {typeof EN} Strings */
