// Each suite boots Medusa, whose ORM keeps entity metadata in a process-wide store: clear it so
// suites in the same worker do not see each other's entities.
const { MetadataStorage } = require("@medusajs/framework/mikro-orm/core")
MetadataStorage.clear()
