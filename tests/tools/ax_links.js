// Print the links of XHTML files as Chromium's accessibility tree names them.
// Usage: node ax_links.js FILE... ; prints JSON [{file, role, name}], one per link.
// Uses Debian's chromium through PUPPETEER_EXECUTABLE_PATH; nothing is downloaded.
const path = require("path");
const puppeteer = require(path.join(process.env.ACE_TOOLS, "node_modules", "puppeteer"));

(async () => {
  const browser = await puppeteer.launch({
    executablePath: process.env.PUPPETEER_EXECUTABLE_PATH,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu"],
  });
  const out = [];
  try {
    const page = await browser.newPage();
    for (const file of process.argv.slice(2)) {
      await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
      const client = await page.target().createCDPSession();
      const { nodes } = await client.send("Accessibility.getFullAXTree");
      for (const node of nodes) {
        const role = node.role && node.role.value;
        if (role === "link" || (role && role.startsWith("doc-") && role !== "doc-chapter")) {
          out.push({ file: path.basename(file), role, name: (node.name && node.name.value) || "" });
        }
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(1); });
